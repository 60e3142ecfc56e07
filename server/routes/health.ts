// Liveness, readiness and Prometheus metrics: GET /healthz, /readyz, /metrics.
import type { FastifyInstance } from 'fastify';
import type { Readiness } from '../readiness';

export interface HealthDeps {
  readiness: Readiness;
  /** The Prometheus exposition text (PromMetrics.render). */
  renderMetrics: () => Promise<{ contentType: string; body: string }>;
}

export function registerHealthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  // Alive means the event loop answers; nothing else is checked here.
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const report = deps.readiness.report();
    return reply.code(report.ready ? 200 : 503).send({ status: report.ready ? 'ready' : 'not_ready', checks: report.checks });
  });

  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await deps.renderMetrics();
    return reply.code(200).header('content-type', contentType).send(body);
  });
}
