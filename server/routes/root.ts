// GET / in sandbox mode: a redirect to the sandbox console, with a link for clients that do not follow it (elsewhere / stays a 404).
import type { FastifyInstance } from 'fastify';

export interface RootDeps {
  /** The sandbox console's port (on the same host as this server), or undefined outside sandbox mode. */
  consolePort: number | undefined;
}

/** A host name or address with an optional port, as a Host header carries it; anything else is not echoed. */
const HOST_HEADER = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/** The console at the name the browser used for this server (localhost, a Docker host, an IP), on the console's port. */
export function consoleAddress(host: string | undefined, consolePort: number): string {
  const hostname = host && HOST_HEADER.test(host) ? host.replace(/:\d{1,5}$/, '') : '127.0.0.1';
  return `http://${hostname}:${consolePort}/`;
}

export function registerRootRoute(app: FastifyInstance, deps: RootDeps): void {
  const port = deps.consolePort;
  if (!port) return;
  app.get('/', async (request, reply) => {
    const target = consoleAddress(request.headers.host, port);
    // The target is built from a checked host name and a number only: nothing in it needs escaping in HTML.
    const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Signalcast sandbox</title></head>
<body><h1>Signalcast is running in sandbox mode</h1>
<p>Act as a subscriber in the sandbox console: <a href="${target}">${target}</a></p></body></html>
`;
    return reply.code(302).header('location', target).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);
  });
}
