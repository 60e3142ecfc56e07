// Builds the HTTP server (fastify): ingest API, health and metrics, one error boundary for every route.
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import type { ApiKeyVerifier } from './auth';
import { connectionOptions, DEFAULT_HTTP_LIMITS, reportDroppedConnections, type HttpLimits } from './connections';
import { answerFrameworkError, createErrorHandler, errorBody } from './http-errors';
import type { Readiness } from './readiness';
import { registerHealthRoutes } from './routes/health';
import type { PublishOutcome, UpdateOutcome } from '../core/signals/ports';
import { registerIngestRoutes, type SignalPublisher } from './routes/ingest';
import { registerRootRoute } from './routes/root';
import { registerTrackRecordRoute } from './routes/track-record';
import type { TrackRecordSource } from '../core/track-record/types';

/** Bodies above this are refused with 413 before they are read in full. */
export const MAX_BODY_BYTES = 64 * 1024;
/** The longest path parameter (a publisher id of 128 characters, percent-encoded); longer ones answer 414. */
export const MAX_PARAM_LENGTH = 400;
/** How often API keys' last uses are written (and once more at close). */
const LAST_USED_FLUSH_MS = 15_000;

export interface ServerDeps {
  signals: SignalPublisher;
  apiKeys: ApiKeyVerifier;
  auth: { signingSecret: string | undefined };
  rateLimit: { perMinute: number };
  clock: Clock;
  metrics: Metrics & { render(): Promise<{ contentType: string; body: string }> };
  logger: Logger;
  readiness: Readiness;
  /** When set, GET /metrics wants `Authorization: Bearer <it>`. */
  metricsToken?: string | undefined;
  /** Called after a new signal is committed: the dispatcher's poke, so the first send is immediate. */
  onPublished?: (outcome: PublishOutcome) => void;
  /** Called after a new signal update and its deliveries are committed: the dispatcher's poke. */
  onUpdated?: (outcome: UpdateOutcome) => void;
  /** Timeouts and the connection cap (DEFAULT_HTTP_LIMITS when absent). */
  http?: HttpLimits;
  /** In sandbox mode, the console's port: GET / leads there. */
  consolePort?: number | undefined;
  /** GET /v1/track-record's figures; absent: no such route. */
  trackRecord?: Pick<TrackRecordSource, 'record'> | undefined;
}

export function buildServer(deps: ServerDeps): FastifyInstance {
  const limits = deps.http ?? DEFAULT_HTTP_LIMITS;
  const app = Fastify({
    ...connectionOptions(limits),
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: answerFrameworkError,
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    // One line per response, written below, instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_BODY_BYTES,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    return503OnClosing: true,
  });

  // The raw bytes are kept: the signature is computed over them, not over re-serialised JSON.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const line = { reqId: request.id, method: request.method, route: request.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (request.url.startsWith('/v1/')) deps.logger.info(line, 'request');
    else deps.logger.debug(line, 'request');
  });

  app.setErrorHandler(createErrorHandler({
    logger: deps.logger,
    onIngestOutcome: (outcome, request) => {
      // Ingest is what is posted; GET /v1/track-record reads.
      if (request.method === 'POST' && request.url.startsWith('/v1/')) deps.metrics.ingest(outcome);
    },
  }));
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(errorBody('not_found', 'no such route')));

  registerIngestRoutes(app, {
    signals: deps.signals,
    apiKeys: deps.apiKeys,
    signingSecret: deps.auth.signingSecret,
    ratePerMinute: deps.rateLimit.perMinute,
    clock: deps.clock,
    metrics: deps.metrics,
    logger: deps.logger,
    onPublished: deps.onPublished,
    onUpdated: deps.onUpdated,
  });
  if (deps.trackRecord) {
    registerTrackRecordRoute(app, {
      source: deps.trackRecord, apiKeys: deps.apiKeys, signingSecret: deps.auth.signingSecret, ratePerMinute: deps.rateLimit.perMinute, clock: deps.clock,
    });
  }
  // The cap is a property of node's server; connections above it are closed as they arrive.
  app.server.maxConnections = limits.maxConnections;
  reportDroppedConnections(app.server, { logger: deps.logger, clock: deps.clock, maxConnections: limits.maxConnections });
  keepLastUsedFlushed(app, deps.apiKeys, deps.logger);
  registerHealthRoutes(app, { readiness: deps.readiness, renderMetrics: () => deps.metrics.render(), metricsToken: deps.metricsToken });
  registerRootRoute(app, { consolePort: deps.consolePort });
  return app;
}

/** Writes the API keys' last uses every LAST_USED_FLUSH_MS and at close; a failed write is retried at the next. */
function keepLastUsedFlushed(app: FastifyInstance, apiKeys: ApiKeyVerifier, logger: Logger): void {
  const flush = apiKeys.flushLastUsed?.bind(apiKeys);
  if (!flush) return;
  const run = () => {
    try {
      flush();
    } catch (err) {
      logger.warn({ err }, 'could not record API keys\' last use; retrying at the next flush');
    }
  };
  const timer = setInterval(run, LAST_USED_FLUSH_MS).unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    run();
  });
}
