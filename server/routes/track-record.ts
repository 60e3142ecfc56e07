// GET /v1/track-record: the whole track record as JSON (or one window with ?window=30d), for the ingest API's callers.
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../core/clock';
import { ValidationError } from '../../core/errors';
import { narrowRecord, parseTrackWindow } from '../../core/track-record/compute';
import type { TrackRecordSource, TrackWindow } from '../../core/track-record/types';
import { authenticate, type ApiKeyVerifier } from '../auth';
import { HttpError } from '../http-errors';
import { TokenBucketLimiter } from '../rate-limiter';

export interface TrackRecordRouteDeps {
  source: Pick<TrackRecordSource, 'record'>;
  apiKeys: ApiKeyVerifier;
  /** As for the ingest routes: a request signed (v2, bound to GET and the path) with it is accepted too. */
  signingSecret: string | undefined;
  ratePerMinute: number;
  clock: Clock;
}

const QUERY_FIELDS = new Set(['window']);

/** The window asked for, or undefined for all; a query the route does not take is a ValidationError naming it. */
export function parseTrackQuery(query: Record<string, unknown>): TrackWindow | undefined {
  const unknown = Object.keys(query).filter((k) => !QUERY_FIELDS.has(k));
  if (unknown.length > 0) {
    throw new ValidationError(unknown.map((field) => ({ field, message: 'not a parameter of this route (it takes only window)' })));
  }
  return query.window === undefined ? undefined : parseTrackWindow(query.window);
}

export function registerTrackRecordRoute(app: FastifyInstance, deps: TrackRecordRouteDeps): void {
  const limiter = new TokenBucketLimiter({ perMinute: deps.ratePerMinute, clock: deps.clock });
  app.get('/v1/track-record', async (request, reply) => {
    const caller = authenticate(request.headers, { method: request.method, path: request.url, rawBody: Buffer.alloc(0) }, {
      apiKeys: deps.apiKeys, signingSecret: deps.signingSecret, clock: deps.clock, allowV1: false,
    });
    if (!caller) throw new HttpError(401, 'unauthorized', 'missing or invalid credentials', { 'www-authenticate': 'Bearer' }, 'unauthorized');
    const decision = limiter.take(caller.id);
    if (!decision.allowed) {
      const seconds = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
      throw new HttpError(429, 'rate_limited', `too many requests; retry after ${seconds} s`, { 'retry-after': seconds }, 'rate_limited');
    }
    const window = parseTrackQuery(request.query as Record<string, unknown>);
    return reply.code(200).send(narrowRecord(deps.source.record(deps.clock.now()), window));
  });
}
