// The webhook route inside the real HTTP server: raw bytes verified in its own scope, the ingest API's parser untouched.
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../core/clock';
import { DEFAULT_PLANS } from '../core/plans';
import { openMemoryDatabase, type Db } from '../db/client';
import { SqliteAccountStore } from '../db/stores/account-store';
import { SqliteApiKeyStore } from '../db/stores/api-key-store';
import { SqliteAuditLog } from '../db/stores/audit-store';
import { SqliteSignalService } from '../db/stores/signal-service';
import { SqliteStripeEventStore } from '../db/stores/stripe-event-store';
import { PromMetrics } from '../server/metrics';
import { createReadiness, databaseCheck } from '../server/readiness';
import { buildServer } from '../server/server';
import { recordingLogger } from '../core/testing/logger';
import { validSignal } from '../server/testing/harness';
import { createStripeClient } from './client';
import { SubscriptionSync } from './subscription-sync';
import { StripeWebhook } from './webhook';
import { registerStripeWebhook } from './webhook-route';

const SECRET = 'whsec_routetest0123456789';
let app: FastifyInstance;
let db: Db;
let clock: FakeClock;
let apiKey: string;
// Never called: the events below need nothing from Stripe.
const stripe = createStripeClient({ secretKey: 'sk_test_unused', apiBase: 'http://127.0.0.1:9', maxNetworkRetries: 0 });

beforeEach(async () => {
  db = openMemoryDatabase();
  clock = new FakeClock(Date.now());
  const logger = recordingLogger();
  const keys = new SqliteApiKeyStore({ db, clock });
  app = buildServer({
    signals: new SqliteSignalService({ db, clock, plans: DEFAULT_PLANS, bands: { aMin: 0.8, bMin: 0.6 } }),
    apiKeys: keys,
    auth: { signingSecret: undefined },
    rateLimit: { perMinute: 1000 },
    clock,
    metrics: new PromMetrics({ defaultMetrics: false }),
    logger,
    readiness: createReadiness({ database: databaseCheck(db) }),
  });
  const events = new SqliteStripeEventStore({ db, clock });
  const sync = new SubscriptionSync({ stripe, accounts: new SqliteAccountStore({ db, clock }), events, plans: DEFAULT_PLANS, audit: new SqliteAuditLog({ db, clock }), clock, logger });
  registerStripeWebhook(app, { webhook: new StripeWebhook({ stripe, webhookSecret: SECRET, sync, events, clock, logger }), logger });
  await app.ready();
  apiKey = keys.create('test').key;
});
afterEach(async () => {
  await app.close();
  db.$client.close();
});

function post(payload: string, timestampMs = clock.now()) {
  const signature = stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: Math.floor(timestampMs / 1000) });
  return app.inject({ method: 'POST', url: '/webhooks/stripe', headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature }, payload });
}

const event = (extra: Record<string, unknown> = {}) => ({ id: 'evt_1', object: 'event', type: 'customer.created', data: { object: { id: 'cus_1', object: 'customer', ...extra } } });

describe('POST /webhooks/stripe in the server', () => {
  it('verifies the bytes as sent, odd whitespace and all, and records the event', async () => {
    const payload = `{  "id":"evt_1" ,\n\t"object": "event", "type": "customer.created", "data": {"object": {"id": "cus_1"}}}`;
    const res = await post(payload);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: true, outcome: 'ignored' });
    expect(db.$client.prepare('select id, type, outcome from stripe_events').all()).toEqual([{ id: 'evt_1', type: 'customer.created', outcome: 'ignored' }]);
  });

  it('accepts an event larger than the ingest API\'s 64 KiB limit', async () => {
    const res = await post(JSON.stringify(event({ description: 'x'.repeat(100 * 1024) })));
    expect(res.statusCode).toBe(200);
  });

  it('answers 413 stating its own limit, not the ingest API\'s', async () => {
    const res = await post(JSON.stringify(event({ description: 'x'.repeat(600 * 1024) })));
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: { code: 'too_large', message: 'the body is larger than 512 KiB' } });
  });

  it('answers 400 to a body that is not JSON even when signed', async () => {
    const res = await post('not json');
    expect(res.statusCode).toBe(400);
    expect(db.$client.prepare('select * from stripe_events').all()).toEqual([]);
  });

  it('checks the age against the service clock, not the machine\'s', async () => {
    clock.set(Date.now() + 3_600_000);
    expect((await post(JSON.stringify(event()), Date.now())).statusCode).toBe(400);
    expect((await post(JSON.stringify(event()), clock.now() - 60_000)).statusCode).toBe(200);
  });

  it('leaves the ingest API\'s own JSON handling as it was', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/signals', headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` }, payload: JSON.stringify(validSignal()) });
    expect(res.statusCode).toBe(202);
  });
});
