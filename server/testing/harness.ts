// Test harness for the HTTP server: the real stores on in-memory SQLite, a fake clock, a recording logger.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { FakeClock } from '../../core/clock';
import { DEFAULT_PLANS } from '../../core/plans';
import { recordingLogger } from '../../core/testing/logger';
import type { PublishOutcome, UpdateOutcome } from '../../core/signals/ports';
import { openMemoryDatabase, type Db } from '../../db/client';
import { SqliteApiKeyStore } from '../../db/stores/api-key-store';
import { SqliteSignalService } from '../../db/stores/signal-service';
import { SqliteTrackRecord } from '../../db/stores/track-record-store';
import type { TrackRecordSource } from '../../core/track-record/types';
import type { HttpLimits } from '../connections';
import { PromMetrics, type QueueDepthRow } from '../metrics';
import type { SignalPublisher } from '../routes/ingest';
import { createReadiness, databaseCheck, type Readiness } from '../readiness';
import { buildServer } from '../server';
import { signBody, signRequest } from '../signature';

export interface HarnessOptions {
  signingSecret?: string;
  ratePerMinute?: number;
  db?: Db;
  queueDepth?: () => QueueDepthRow[];
  onPublished?: (outcome: PublishOutcome) => void;
  onUpdated?: (outcome: UpdateOutcome) => void;
  /** Instead of the real signal store (which needs the migrated tables). */
  signals?: SignalPublisher;
  metricsToken?: string;
  /** Timeouts and the connection cap (the server's defaults when absent). */
  http?: HttpLimits;
  /** GET /v1/track-record's source; the SQLite track record of `db` by default. */
  trackRecord?: Pick<TrackRecordSource, 'record'>;
}

export interface Harness {
  app: FastifyInstance;
  db: Db;
  clock: FakeClock;
  keys: SqliteApiKeyStore;
  signals: SignalPublisher;
  metrics: PromMetrics;
  readiness: Readiness;
  logger: ReturnType<typeof recordingLogger>;
  /** A live API key. */
  key: string;
  post(url: string, body: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** A GET with the API key, or with `headers` instead. */
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** A v1 (body-only) signature header. */
  sign(raw: string, secret?: string, atMs?: number): string;
  /** A v2 signature header, bound to POST and `path`. */
  signFor(path: string, raw: string, atMs?: number): string;
}

export const TEST_SECRET = 'test-signing-secret-0123456789';

export function validSignal(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { publisherId: 'pub-1', symbol: 'BTCUSDT', market: 'crypto', side: 'long', conviction: 0.82, reasons: ['Breakout on volume'], ...overrides };
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const db = options.db ?? openMemoryDatabase();
  const clock = new FakeClock(Date.now());
  const logger = recordingLogger();
  const metrics = new PromMetrics({ defaultMetrics: false, ...(options.queueDepth ? { queueDepth: options.queueDepth } : {}) });
  const keys = new SqliteApiKeyStore({ db, clock });
  const signals = options.signals ?? new SqliteSignalService({ db, clock, plans: DEFAULT_PLANS, bands: { aMin: 0.8, bMin: 0.6 }, logger, metrics });
  const readiness = createReadiness({ database: databaseCheck(db) });
  const app = buildServer({
    signals,
    apiKeys: keys,
    auth: { signingSecret: options.signingSecret },
    rateLimit: { perMinute: options.ratePerMinute ?? 1000 },
    clock,
    metrics,
    logger,
    readiness,
    ...(options.onPublished ? { onPublished: options.onPublished } : {}),
    ...(options.onUpdated ? { onUpdated: options.onUpdated } : {}),
    metricsToken: options.metricsToken,
    ...(options.http ? { http: options.http } : {}),
    trackRecord: options.trackRecord ?? new SqliteTrackRecord({ db }),
  });
  await app.ready();
  const key = keys.create('test').key;
  return {
    app, db, clock, keys, signals, metrics, readiness, logger, key,
    post: (url, body, headers = { authorization: `Bearer ${key}` }) => app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', ...headers },
      payload: typeof body === 'string' ? body : JSON.stringify(body),
    }),
    get: (url, headers = { authorization: `Bearer ${key}` }) => app.inject({ method: 'GET', url, headers }),
    sign: (raw, secret = TEST_SECRET, atMs = clock.now()) => signBody(secret, raw, atMs),
    signFor: (path, raw, atMs = clock.now()) => signRequest(TEST_SECRET, { method: 'POST', path, rawBody: raw }, atMs),
  };
}
