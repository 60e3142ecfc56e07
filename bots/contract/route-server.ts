// Test helper: a loopback HTTP server that serves the routes an adapter registers, as the service's server would.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AdapterRoute, RouteRegistrar } from '../../core/platform/adapter';

export interface RouteServer {
  /** The base URL, e.g. http://127.0.0.1:PORT: an adapter's public URL. */
  url: string;
  registrar: RouteRegistrar;
  close(): Promise<void>;
}

/** Starts serving; routes added to `registrar` later are served from then on. Unknown routes get 404. */
export async function serveRoutes(): Promise<RouteServer> {
  const routes: AdapterRoute[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://local');
      const route = routes.find((r) => r.method === req.method && r.path === url.pathname);
      if (!route) {
        res.writeHead(404).end();
        return;
      }
      route.handle({ headers: req.headers, query: Object.fromEntries(url.searchParams), rawBody: Buffer.concat(chunks) }).then((answer) => {
        const body = answer.body === undefined ? '' : typeof answer.body === 'string' || Buffer.isBuffer(answer.body) ? answer.body : JSON.stringify(answer.body);
        const headers = { ...(typeof answer.body === 'object' && !Buffer.isBuffer(answer.body) ? { 'content-type': 'application/json' } : {}), ...answer.headers };
        res.writeHead(answer.status, headers).end(body);
      }, () => res.writeHead(500).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    registrar: { add: (route) => void routes.push(route) },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
