// Liveness, readiness and Prometheus metrics: GET /healthz, /readyz, /metrics.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { bearerToken } from '../auth';
import { HttpError } from '../http-errors';
import type { Readiness } from '../readiness';

export interface HealthDeps {
  readiness: Readiness;
  /** The Prometheus exposition text (PromMetrics.render). */
  renderMetrics: () => Promise<{ contentType: string; body: string }>;
  /** When set, /metrics wants `Authorization: Bearer <token>`. */
  metricsToken?: string | undefined;
}

/** Compares in constant time, so that the answer's timing tells nothing about the token. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = bearerToken(header) ?? '';
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

export function registerHealthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  // Alive means the event loop answers; nothing else is checked here.
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const report = deps.readiness.report();
    return reply.code(report.ready ? 200 : 503).send({ status: report.ready ? 'ready' : 'not_ready', checks: report.checks });
  });

  app.get('/metrics', async (request, reply) => {
    if (deps.metricsToken && !bearerMatches(request.headers.authorization, deps.metricsToken)) {
      throw new HttpError(401, 'unauthorized', 'GET /metrics wants Authorization: Bearer <METRICS_TOKEN>', { 'www-authenticate': 'Bearer realm="metrics"' });
    }
    const { contentType, body } = await deps.renderMetrics();
    return reply.code(200).header('content-type', contentType).send(body);
  });
}
