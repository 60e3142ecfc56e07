import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/client';
import { seedSubscribers } from '../db/testing/seed';
import { PromMetrics } from './metrics';
import { databaseCheck } from './readiness';
import { createHarness, validSignal, type Harness } from './testing/harness';

let h: Harness;
afterEach(async () => {
  await h?.app.close();
});

describe('GET /healthz and /readyz', () => {
  it('says alive, and ready when the database answers with every migration applied', async () => {
    h = await createHarness();
    expect((await h.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await h.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'ok' } });
  });

  it('answers 503 on readyz while shutting down, and healthz stays 200', async () => {
    h = await createHarness();
    h.readiness.markShuttingDown();
    const ready = await h.app.inject('/readyz');
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'not_ready', checks: { shutdown: 'shutting down' } });
    expect((await h.app.inject('/healthz')).statusCode).toBe(200);
  });

  it('answers 503 when a migration is pending', async () => {
    h = await createHarness();
    h.db.$client.exec('DELETE FROM __drizzle_migrations');
    const ready = await h.app.inject('/readyz');
    expect(ready.statusCode).toBe(503);
    expect(ready.json<{ checks: { database: string } }>().checks.database).toMatch(/^migrations pending \(0 of \d+ applied\)$/);
  });

  it('reports a database that was never migrated', async () => {
    const db = openDatabase(':memory:', { migrate: false });
    const check = databaseCheck(db);
    expect(check()).toBe('migrations not applied');
  });

  it('answers 503 when the database is closed', async () => {
    h = await createHarness();
    h.db.$client.close();
    const ready = await h.app.inject('/readyz');
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ checks: { database: 'failed' } });
  });
});

describe('GET /metrics', () => {
  it('wants the bearer token when METRICS_TOKEN is set, and answers 401 without it or with another', async () => {
    const token = 'metrics-token-0123456789';
    h = await createHarness({ metricsToken: token });
    const none = await h.app.inject('/metrics');
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    expect(none.json()).toEqual({ error: { code: 'unauthorized', message: 'GET /metrics wants Authorization: Bearer <METRICS_TOKEN>' } });
    expect((await h.app.inject({ url: '/metrics', headers: { authorization: 'Bearer metrics-token-wrong-000' } })).statusCode).toBe(401);
    expect((await h.app.inject({ url: '/metrics', headers: { authorization: `Basic ${token}` } })).statusCode).toBe(401);
    const ok = await h.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('signalcast_');
    // Health and readiness stay open for the orchestrator.
    expect((await h.app.inject('/healthz')).statusCode).toBe(200);
  });


  it('exposes ingest counts, delivery metrics and the queue depth read at scrape time', async () => {
    let depth = [{ platform: 'testchat', state: 'pending', count: 7 }];
    h = await createHarness({ queueDepth: () => depth });
    seedSubscribers(h.db, { count: 2, planId: 'pro' });
    await h.post('/v1/signals', validSignal());
    await h.post('/v1/signals', validSignal());
    await h.post('/v1/signals', { nope: true });
    await h.post('/v1/signals', validSignal(), {});
    h.metrics.deliveryAttempt('testchat', 'sent', 120);
    h.metrics.deliveryLag('testchat', 2_000);

    const res = await h.app.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.body;
    expect(text).toContain('signalcast_ingest_total{outcome="accepted"} 1');
    expect(text).toContain('signalcast_ingest_total{outcome="duplicate"} 1');
    expect(text).toContain('signalcast_ingest_total{outcome="invalid"} 1');
    expect(text).toContain('signalcast_ingest_total{outcome="unauthorized"} 1');
    expect(text).toContain('signalcast_deliveries_planned_total 2');
    expect(text).toContain('signalcast_deliveries_total{platform="testchat",outcome="sent"} 1');
    expect(text).toContain('signalcast_delivery_send_seconds_bucket{le="0.25",platform="testchat"} 1');
    expect(text).toContain('signalcast_delivery_lag_seconds_sum{platform="testchat"} 2');
    expect(text).toContain('signalcast_queue_depth{platform="testchat",state="pending"} 7');

    depth = [{ platform: 'testchat', state: 'sent', count: 9 }];
    const later = (await h.app.inject('/metrics')).body;
    expect(later).toContain('signalcast_queue_depth{platform="testchat",state="sent"} 9');
    expect(later).not.toContain('state="pending"} 7');
  });

  it('counts oversized and rate-limited requests', async () => {
    h = await createHarness({ ratePerMinute: 1 });
    await h.post('/v1/signals', validSignal({ publisherId: 'a' }));
    await h.post('/v1/signals', validSignal({ publisherId: 'b' }));
    await h.post('/v1/signals', JSON.stringify(validSignal({ persona: 'x'.repeat(70_000) })));
    const text = (await h.app.inject('/metrics')).body;
    expect(text).toContain('signalcast_ingest_total{outcome="rate_limited"} 1');
    expect(text).toContain('signalcast_ingest_total{outcome="too_large"} 1');
  });
});

describe('PromMetrics', () => {
  it('includes the process metrics by default', async () => {
    const text = (await new PromMetrics().render()).body;
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('counts a recovered in-flight delivery without timing a send', async () => {
    const metrics = new PromMetrics({ defaultMetrics: false });
    metrics.deliveryAttempt('testchat', 'duplicate_risk', 0);
    const text = (await metrics.render()).body;
    expect(text).toContain('signalcast_deliveries_total{platform="testchat",outcome="duplicate_risk"} 1');
    expect(text).not.toContain('signalcast_delivery_send_seconds_count{platform="testchat"}');
  });
});

describe('routing', () => {
  it('answers an unknown route with a JSON 404 and every answer with a request id', async () => {
    h = await createHarness();
    const res = await h.app.inject('/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'no such route' } });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps a caller-given request id', async () => {
    h = await createHarness();
    const res = await h.app.inject({ url: '/healthz', headers: { 'x-request-id': 'trace-123' } });
    expect(res.headers['x-request-id']).toBe('trace-123');
  });
});
