// The neutral route registrar on fastify: adapters add their webhooks and callbacks without knowing the server.
import type { FastifyInstance } from 'fastify';
import type { AdapterRequest, AdapterRoute, RouteRegistrar } from '../core/platform/adapter';

/** The body exactly as it arrived: main's server keeps JSON as raw bytes; form posts are kept raw too. */
function rawBodyOf(body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body);
  return body === undefined || body === null ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
}

/**
 * A registrar that mounts each route on `app`. Form bodies (Slack's slash commands and interactions)
 * are kept as raw bytes like JSON ones, so adapters can check signatures over exactly what was sent.
 */
export function fastifyRegistrar(app: FastifyInstance): RouteRegistrar {
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  }
  return {
    add(route: AdapterRoute) {
      app.route({
        method: route.method,
        url: route.path,
        handler: async (request, reply) => {
          const input: AdapterRequest = {
            headers: request.headers,
            query: request.query as Record<string, string | undefined>,
            rawBody: rawBodyOf(request.body),
          };
          const answer = await route.handle(input);
          reply.code(answer.status);
          for (const [name, value] of Object.entries(answer.headers ?? {})) reply.header(name, value);
          return reply.send(answer.body ?? '');
        },
      });
    },
  };
}
