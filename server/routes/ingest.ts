// The ingest API: POST /v1/signals, POST /v1/signals/:id/updates and POST /v1/signals/by-publisher-id/:publisherId/updates.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../../core/clock';
import { ValidationError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Metrics } from '../../core/metrics';
import type { PublishOutcome, SignalService, UpdateOutcome } from '../../core/signals/ports';
import { authenticate, type ApiKeyVerifier, type Caller } from '../auth';
import { HttpError } from '../http-errors';
import { TokenBucketLimiter } from '../rate-limiter';
import { ReplayGuard } from '../replay-guard';
import { SIGNATURE_TOLERANCE_MS } from '../signature';

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
  /** Called after a new update's commit when it planned deliveries (the dispatcher's poke), never for a duplicate. */
  onUpdated?: ((outcome: UpdateOutcome) => void) | undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseJson(raw: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new ValidationError([{ field: '(input)', message: 'the body is not valid UTF-8' }]);
  }
  if (text.includes('\u0000')) throw new ValidationError([{ field: '(input)', message: 'the body contains a NUL byte' }]);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ValidationError([{ field: '(input)', message: 'expected a JSON object; the body is not valid JSON' }]);
  }
}

const unauthorized = () => new HttpError(401, 'unauthorized', 'missing or invalid credentials', { 'www-authenticate': 'Bearer' }, 'unauthorized');

export function registerIngestRoutes(app: FastifyInstance, deps: IngestDeps): void {
  const limiter = new TokenBucketLimiter({ perMinute: deps.ratePerMinute, clock: deps.clock });
  const replays = new ReplayGuard({ clock: deps.clock, windowMs: SIGNATURE_TOLERANCE_MS });

  /**
   * Authenticates (a signature once only), rate-limits and reads the JSON body, in that order:
   * strangers learn nothing about the body. Then runs `handle`; if it fails, the signature is
   * given back, so that the sender may retry a request that stored nothing.
   */
  async function admitted<T>(request: FastifyRequest, options: { allowV1: boolean }, handle: (admitted: { caller: Caller; body: unknown }) => Promise<T>): Promise<T> {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const caller = authenticate(request.headers, { method: request.method, path: request.url, rawBody: raw }, {
      apiKeys: deps.apiKeys, signingSecret: deps.signingSecret, clock: deps.clock, allowV1: options.allowV1,
    });
    if (!caller) throw unauthorized();
    if (caller.signature && !replays.claim(caller.signature.id, caller.signature.signedAtMs)) throw unauthorized();
    try {
      const decision = limiter.take(caller.id);
      if (!decision.allowed) {
        const seconds = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
        throw new HttpError(429, 'rate_limited', `too many requests; retry after ${seconds} s`, { 'retry-after': seconds }, 'rate_limited');
      }
      if (!Buffer.isBuffer(request.body)) {
        throw new HttpError(415, 'unsupported_media_type', 'expected Content-Type: application/json', {}, 'invalid');
      }
      return await handle({ caller, body: parseJson(raw) });
    } catch (err) {
      if (caller.signature) replays.release(caller.signature.id);
      throw err;
    }
  }

  // v1 (body-only) signatures are enough here: the body carries its own publisherId, and no other route takes it.
  app.post('/v1/signals', (request, reply) => admitted(request, { allowV1: true }, async ({ caller, body }) => {
    // Checked once, by the use case: a bad body is a ValidationError (400) naming each field, and nothing is stored.
    const outcome = await deps.signals.publish(body, { publishedBy: caller.id });
    deps.metrics.ingest(outcome.duplicate ? 'duplicate' : 'accepted');
    if (!outcome.duplicate) {
      try {
        deps.onPublished?.(outcome);
      } catch (err) {
        // The signal is committed and will be delivered on the dispatcher's next pass; the answer stays 202.
        deps.logger.warn({ err, reqId: request.id, signalId: outcome.signal.id }, 'onPublished hook failed');
      }
    }
    const { signal, duplicate, planned, skipped, candidates, planning, estimates } = outcome;
    // planned/skipped: so far; planning 'in_progress': the rest is planned in chunks after this answer.
    return reply.code(202).send({ id: signal.id, duplicate, planned, skipped, candidates, planning, estimates });
  }));

  // An update body names no signal: only a v2 signature (bound to the path) is accepted for it.
  /** Records the update (superseding and planning, in one commit), pokes the dispatcher, answers 202 with how many were planned and superseded. */
  function updated(request: FastifyRequest, outcome: UpdateOutcome) {
    const { update, duplicate, planned, superseded } = outcome;
    deps.metrics.ingest(duplicate ? 'duplicate' : 'accepted');
    if (!duplicate && planned > 0) {
      try {
        deps.onUpdated?.(outcome);
      } catch (err) {
        // The update and its deliveries are committed: the dispatcher's next pass sends them; the answer stays 202.
        deps.logger.warn({ err, reqId: request.id, signalId: update.signalId, updateId: update.id }, 'onUpdated hook failed');
      }
    }
    return { id: update.id, signalId: update.signalId, duplicate, planned, superseded };
  }

  app.post<{ Params: { id: string } }>('/v1/signals/:id/updates', (request, reply) => admitted(request, { allowV1: false }, async ({ caller, body }) => {
    const outcome = await deps.signals.addUpdate(request.params.id, body, { publishedBy: caller.id });
    return reply.code(202).send(updated(request, outcome));
  }));

  app.post<{ Params: { publisherId: string } }>('/v1/signals/by-publisher-id/:publisherId/updates', (request, reply) => admitted(request, { allowV1: false }, async ({ caller, body }) => {
    const outcome = await deps.signals.addUpdate({ publisherId: request.params.publisherId }, body, { publishedBy: caller.id });
    return reply.code(202).send(updated(request, outcome));
  }));
}
