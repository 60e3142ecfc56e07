// The ingest API: POST /v1/signals and POST /v1/signals/:id/updates.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../../core/clock';
import { ValidationError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Metrics } from '../../core/metrics';
import type { PublishOutcome, SignalService } from '../../core/signals/ports';
import { parseSignalInput, parseSignalUpdateInput } from '../../core/signals/validate';
import { authenticate, type ApiKeyVerifier, type Caller } from '../auth';
import { HttpError } from '../http-errors';
import { TokenBucketLimiter } from '../rate-limiter';

/** What the ingest routes need from the signal service. */
export type SignalPublisher = Pick<SignalService, 'publish' | 'addUpdate'>;

export interface IngestDeps {
  signals: SignalPublisher;
  apiKeys: ApiKeyVerifier;
  signingSecret: string | undefined;
  ratePerMinute: number;
  clock: Clock;
  metrics: Metrics;
  logger: Logger;
  /** Called after a new signal's commit (the dispatcher's poke), never for a duplicate. */
  onPublished?: ((outcome: PublishOutcome) => void) | undefined;
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    throw new ValidationError([{ field: '(input)', message: 'expected a JSON object; the body is not valid JSON' }]);
  }
}

export function registerIngestRoutes(app: FastifyInstance, deps: IngestDeps): void {
  const limiter = new TokenBucketLimiter({ perMinute: deps.ratePerMinute, clock: deps.clock });

  /** Authenticates, rate-limits and reads the JSON body, in that order: strangers learn nothing about the body. */
  function admit(request: FastifyRequest): { caller: Caller; body: unknown } {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const caller = authenticate(request.headers, raw, { apiKeys: deps.apiKeys, signingSecret: deps.signingSecret, clock: deps.clock });
    if (!caller) {
      throw new HttpError(401, 'unauthorized', 'missing or invalid credentials', { 'www-authenticate': 'Bearer' }, 'unauthorized');
    }
    const decision = limiter.take(caller.id);
    if (!decision.allowed) {
      const seconds = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
      throw new HttpError(429, 'rate_limited', `too many requests; retry after ${seconds} s`, { 'retry-after': seconds }, 'rate_limited');
    }
    if (!Buffer.isBuffer(request.body)) {
      throw new HttpError(415, 'unsupported_media_type', 'expected Content-Type: application/json', {}, 'invalid');
    }
    return { caller, body: parseJson(raw) };
  }

  app.post('/v1/signals', async (request, reply) => {
    const { caller, body } = admit(request);
    const input = parseSignalInput(body);
    const outcome = await deps.signals.publish(input, { publishedBy: caller.id });
    deps.metrics.ingest(outcome.duplicate ? 'duplicate' : 'accepted');
    if (!outcome.duplicate) {
      try {
        deps.onPublished?.(outcome);
      } catch (err) {
        // The signal is committed and will be delivered on the dispatcher's next pass; the answer stays 202.
        deps.logger.warn({ err, reqId: request.id, signalId: outcome.signal.id }, 'onPublished hook failed');
      }
    }
    return reply.code(202).send({ id: outcome.signal.id, duplicate: outcome.duplicate, planned: outcome.planned, skipped: outcome.skipped });
  });

  app.post<{ Params: { id: string } }>('/v1/signals/:id/updates', async (request, reply) => {
    const { body } = admit(request);
    const input = parseSignalUpdateInput(body);
    const { update, duplicate } = await deps.signals.addUpdate(request.params.id, input);
    deps.metrics.ingest(duplicate ? 'duplicate' : 'accepted');
    return reply.code(202).send({ id: update.id, signalId: update.signalId, duplicate });
  });
}
