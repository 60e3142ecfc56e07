import { afterEach, describe, expect, it } from 'vitest';
import { seedChannel, seedSubscribers } from '../db/testing/seed';
import { FakeClock } from '../core/clock';
import { DEFAULT_PLANS } from '../core/plans/default-plans';
import { recordingLogger } from '../core/testing/logger';
import { openMemoryDatabase } from '../db/client';
import { SqliteSignalService } from '../db/stores/signal-service';
import { createHarness, TEST_SECRET, validSignal, type Harness } from './testing/harness';

let h: Harness;
afterEach(async () => {
  await h?.app.close();
});

const count = (table: string) => (h.db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;

describe('POST /v1/signals', () => {
  it('stores the signal, plans its deliveries and answers 202 with the counts', async () => {
    h = await createHarness();
    seedSubscribers(h.db, { count: 3, planId: 'pro' });
    seedChannel(h.db, { planId: 'pro' });
    const res = await h.post('/v1/signals', validSignal());
    expect(res.statusCode).toBe(202);
    const body = res.json<{ id: string; duplicate: boolean; planned: number; skipped: number }>();
    // Four candidates, all planned before the answer; no platform rates given to this service: no estimates.
    expect(body).toEqual({ id: expect.stringMatching(/^sig_/), duplicate: false, planned: 4, skipped: 0, candidates: 4, planning: 'done', estimates: {} });
    const row = h.db.$client.prepare('select * from signals where id = ?').get(body.id) as { publisher_id: string; published_by: string };
    expect(row.publisher_id).toBe('pub-1');
    expect(row.published_by).toMatch(/^api-key:key_/);
    expect(count('deliveries')).toBe(4);
  });

  it('returns the first result for a publisher id seen before and creates nothing', async () => {
    h = await createHarness();
    seedSubscribers(h.db, { count: 2, planId: 'pro' });
    const first = (await h.post('/v1/signals', validSignal())).json<{ id: string }>();
    const again = await h.post('/v1/signals', validSignal({ symbol: 'ETHUSDT' }));
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual({ id: first.id, duplicate: true, planned: 2, skipped: 0, candidates: 2, planning: 'done', estimates: {} });
    expect(count('signals')).toBe(1);
    expect(count('deliveries')).toBe(2);
  });

  it('answers 202 after the first chunk with the candidates, planning in progress and the estimate per platform; a replay answers the job\'s counts', async () => {
    const db = openMemoryDatabase();
    const clock = new FakeClock(Date.now());
    const signals = new SqliteSignalService({
      db, clock, plans: DEFAULT_PLANS, bands: { aMin: 0.8, bMin: 0.6 }, chunkSize: 4, rates: { perSecond: (p) => (p === 'testchat' ? 2 : undefined) },
    });
    h = await createHarness({ db, signals });
    seedSubscribers(h.db, { count: 9, planId: 'pro' });
    seedSubscribers(h.db, { count: 1, planId: 'pro', platform: 'telegram' });
    const res = await h.post('/v1/signals', validSignal());
    expect(res.statusCode).toBe(202);
    const body = res.json<{ id: string }>();
    // Ten candidates, four planned before the answer; 9 testchat candidates at 2/s: 5 s. Telegram has no rate here (not running): no estimate.
    expect(body).toEqual({ id: expect.stringMatching(/^sig_/), duplicate: false, planned: 4, skipped: 0, candidates: 10, planning: 'in_progress', estimates: { testchat: { candidates: 9, seconds: 5 } } });
    expect(count('deliveries')).toBe(4);
    expect(h.db.$client.prepare('select state, cursor, candidates, planned from planning_jobs').all()).toEqual([{ state: 'planning', cursor: 4, candidates: 10, planned: 4 }]);

    expect((await h.post('/v1/signals', validSignal())).json()).toMatchObject({ id: body.id, duplicate: true, planned: 4, planning: 'in_progress' });
    while (signals.planning.runChunk());
    expect(count('deliveries')).toBe(10);
    expect((await h.post('/v1/signals', validSignal())).json()).toEqual({
      id: body.id, duplicate: true, planned: 10, skipped: 0, candidates: 10, planning: 'done', estimates: { testchat: { candidates: 9, seconds: 5 } },
    });
  });

  it('warns the operator, once per platform, when reaching its candidates would take longer than the maximum alert age there', async () => {
    const db = openMemoryDatabase();
    const clock = new FakeClock(Date.now());
    const logger = recordingLogger();
    // 0.05 sends per second: 5 testchat candidates take 100 s, past the signal's own maximum age of 1 minute.
    const signals = new SqliteSignalService({ db, clock, plans: DEFAULT_PLANS, bands: { aMin: 0.8, bMin: 0.6 }, logger, rates: { perSecond: () => 0.05 } });
    h = await createHarness({ db, signals });
    seedSubscribers(h.db, { count: 5, planId: 'pro' });
    const slow = (await h.post('/v1/signals', validSignal({ maxAlertAgeMinutes: 1 }))).json<{ id: string }>();
    const warnings = logger.records.filter((r) => r.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.obj).toEqual({ signalId: slow.id, platform: 'testchat', candidates: 5, estimateSeconds: 100, maxAlertAgeMinutes: 1 });
    expect(warnings[0]?.msg).toBe(`signal ${slow.id}: reaching its 5 candidates on testchat takes about 100 s at the configured rate, longer than the maximum alert age of 1 min: `
      + 'the alerts sent last would be stale and expire unsent. What helps: post to channels instead of direct messages (one send reaches everyone in it); '
      + 'use the chat app\'s faster paid sending where it has one (Telegram\'s paid broadcasts, allow_paid_broadcast, up to 1,000 messages/s); '
      + 'or raise TESTCHAT_RATE_OVERALL if the platform allows it');
    // The plans' age (15 min by default) is 900 s: 100 s is within it, so no warning.
    await h.post('/v1/signals', validSignal({ publisherId: 'pub-2' }));
    expect(logger.records.filter((r) => r.level === 'warn')).toHaveLength(1);
    expect(h.db.$client.prepare('select max_alert_age_minutes as age from signals order by ref').all()).toEqual([{ age: 1 }, { age: null }]);
  });

  it('calls onPublished after the commit, and not for a duplicate', async () => {
    const seen: { id: string; rowExists: boolean }[] = [];
    h = await createHarness({
      onPublished: (o) => seen.push({ id: o.signal.id, rowExists: Boolean(h.db.$client.prepare('select 1 from signals where id = ?').get(o.signal.id)) }),
    });
    const res = await h.post('/v1/signals', validSignal());
    await h.post('/v1/signals', validSignal());
    expect(seen).toEqual([{ id: res.json<{ id: string }>().id, rowExists: true }]);
  });

  it('still answers 202 when the onPublished hook throws: the signal is committed', async () => {
    h = await createHarness({ onPublished: () => { throw new Error('dispatcher gone'); } });
    const res = await h.post('/v1/signals', validSignal());
    expect(res.statusCode).toBe(202);
    expect(count('signals')).toBe(1);
    expect(h.logger.records.some((r) => r.level === 'warn' && r.msg === 'onPublished hook failed')).toBe(true);
  });

  it('answers 500 with no details when the store fails, and leaves nothing behind', async () => {
    h = await createHarness();
    seedSubscribers(h.db, { count: 2, planId: 'pro' });
    h.db.$client.exec("CREATE TRIGGER fail_deliveries BEFORE INSERT ON deliveries BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;");
    const res = await h.post('/v1/signals', validSignal());
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'internal' } });
    expect(res.body).not.toContain('disk on fire');
    expect(count('signals')).toBe(0);
    expect(count('deliveries')).toBe(0);
    const logged = h.logger.records.find((r) => r.level === 'error');
    expect(logged?.obj.reqId).toBe(res.headers['x-request-id']);
    expect(String((logged?.obj.err as Error).message)).toContain('disk on fire');
  });

  it('names every bad field in a 400 and stores nothing', async () => {
    h = await createHarness();
    const res = await h.post('/v1/signals', { publisherId: 'p', market: 'crypto', side: 'up', conviction: 1.5, reasons: [], colour: 'red' });
    expect(res.statusCode).toBe(400);
    const { error } = res.json<{ error: { code: string; message: string; fields: { field: string; message: string }[] } }>();
    expect(error.code).toBe('validation_failed');
    expect(error.fields.map((f) => f.field).sort()).toEqual(['colour', 'conviction', 'reasons', 'side', 'symbol']);
    expect(count('signals')).toBe(0);
  });

  it('answers 400 for a body that is not JSON', async () => {
    h = await createHarness();
    const res = await h.post('/v1/signals', '{"publisherId": ');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'validation_failed', fields: [{ field: '(input)' }] } });
  });

  it('answers 401 without a key, with an unknown, malformed or revoked key, and never echoes it', async () => {
    h = await createHarness();
    const revoked = h.keys.create('old');
    h.keys.revoke(revoked.id);
    const attempts: Record<string, string>[] = [
      {},
      { authorization: `Bearer sc_${'Z'.repeat(40)}` },
      { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
      { authorization: `Bearer ${h.key}x` },
      { authorization: `Bearer ${revoked.key}` },
      { authorization: h.key },
    ];
    for (const headers of attempts) {
      const res = await h.post('/v1/signals', validSignal(), headers);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'unauthorized', message: 'missing or invalid credentials' } });
      expect(res.body).not.toContain('sc_');
    }
    expect(count('signals')).toBe(0);
  });

  it('answers 401 before reading the body, so a stranger learns nothing about it', async () => {
    h = await createHarness();
    const res = await h.post('/v1/signals', 'not json at all', {});
    expect(res.statusCode).toBe(401);
  });

  it('answers 413 over 64 KiB and accepts a body of exactly 64 KiB', async () => {
    h = await createHarness();
    const big = JSON.stringify(validSignal({ persona: 'x'.repeat(70_000) }));
    const res = await h.post('/v1/signals', big);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: { code: 'too_large', message: 'the body is larger than 64 KiB' } });

    const base = JSON.stringify(validSignal());
    const padded = base.slice(0, -1) + ' '.repeat(64 * 1024 - base.length) + '}';
    expect(Buffer.byteLength(padded)).toBe(64 * 1024);
    expect((await h.post('/v1/signals', padded)).statusCode).toBe(202);
  });

  it('answers 415 for a body that is not declared as JSON', async () => {
    h = await createHarness();
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await h.app.inject({ method: 'POST', url: '/v1/signals', headers: { 'content-type': contentType, authorization: `Bearer ${h.key}` }, payload: JSON.stringify(validSignal()) });
      expect(res.statusCode).toBe(415);
      expect(res.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
    }
    const none = await h.app.inject({ method: 'POST', url: '/v1/signals', headers: { authorization: `Bearer ${h.key}` } });
    expect(none.statusCode).toBe(415);
    expect(count('signals')).toBe(0);
  });

  it('accepts JSON with a charset parameter', async () => {
    h = await createHarness();
    const res = await h.post('/v1/signals', validSignal(), { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${h.key}` });
    expect(res.statusCode).toBe(202);
  });

  it('answers 429 with Retry-After above the per-key rate, per key, and recovers with time', async () => {
    h = await createHarness({ ratePerMinute: 2 });
    const other = h.keys.create('other').key;
    expect((await h.post('/v1/signals', validSignal({ publisherId: 'a' }))).statusCode).toBe(202);
    expect((await h.post('/v1/signals', validSignal({ publisherId: 'b' }))).statusCode).toBe(202);
    const limited = await h.post('/v1/signals', validSignal({ publisherId: 'c' }));
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('30');
    expect(limited.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect((await h.post('/v1/signals', validSignal({ publisherId: 'd' }), { authorization: `Bearer ${other}` })).statusCode).toBe(202);
    await h.clock.advance(30_000);
    expect((await h.post('/v1/signals', validSignal({ publisherId: 'c' }))).statusCode).toBe(202);
    expect(count('signals')).toBe(4);
  });
});

describe('POST /v1/signals with a signature', () => {
  const signed = (raw: string, signature: string) => h.post('/v1/signals', raw, { 'x-signalcast-signature': signature });

  it('accepts a body signed with the secret, and records who published it', async () => {
    h = await createHarness({ signingSecret: TEST_SECRET });
    const raw = JSON.stringify(validSignal());
    const res = await signed(raw, h.sign(raw));
    expect(res.statusCode).toBe(202);
    expect(h.db.$client.prepare('select published_by as by from signals').get()).toEqual({ by: 'signature' });
  });

  it('still accepts an API key when a secret is set', async () => {
    h = await createHarness({ signingSecret: TEST_SECRET });
    expect((await h.post('/v1/signals', validSignal())).statusCode).toBe(202);
  });

  it('verifies the raw bytes: whitespace the sender signed is part of the signature', async () => {
    h = await createHarness({ signingSecret: TEST_SECRET });
    const raw = `{ "publisherId":"p-ws",\n  "symbol":"X", "market":"m", "side":"long", "conviction":0.5, "reasons":["r"] }`;
    expect((await signed(raw, h.sign(raw))).statusCode).toBe(202);
  });

  it('refuses a stale signature, one from beyond the window ahead, a tampered body and a wrong secret', async () => {
    h = await createHarness({ signingSecret: TEST_SECRET });
    const raw = JSON.stringify(validSignal());
    const cases = [
      h.sign(raw, TEST_SECRET, h.clock.now() - 5 * 60_000 - 1_000),
      h.sign(raw, TEST_SECRET, h.clock.now() + 5 * 60_000 + 1_000),
      h.sign(raw, 'a-different-secret-of-same-size!'),
      'garbage',
    ];
    for (const signature of cases) {
      const res = await signed(raw, signature);
      expect(res.statusCode).toBe(401);
      expect(res.body).not.toContain(TEST_SECRET);
    }
    const tampered = await signed(JSON.stringify(validSignal({ conviction: 0.99 })), h.sign(raw));
    expect(tampered.statusCode).toBe(401);
    expect(count('signals')).toBe(0);
  });

  it('accepts a signature just inside the window', async () => {
    h = await createHarness({ signingSecret: TEST_SECRET });
    const raw = JSON.stringify(validSignal());
    expect((await signed(raw, h.sign(raw, TEST_SECRET, h.clock.now() - 4 * 60_000))).statusCode).toBe(202);
  });

  it('refuses a good signature sent with a bad key: every credential must hold', async () => {
    h = await createHarness({ signingSecret: TEST_SECRET });
    const raw = JSON.stringify(validSignal());
    const res = await h.post('/v1/signals', raw, { authorization: 'Bearer sc_nope', 'x-signalcast-signature': h.sign(raw) });
    expect(res.statusCode).toBe(401);
  });

  it('ignores signatures when no secret is set', async () => {
    h = await createHarness();
    const raw = JSON.stringify(validSignal());
    expect((await signed(raw, h.sign(raw))).statusCode).toBe(401);
  });

  it('rate-limits signed requests as one source', async () => {
    h = await createHarness({ signingSecret: TEST_SECRET, ratePerMinute: 1 });
    const a = JSON.stringify(validSignal({ publisherId: 'a' }));
    const b = JSON.stringify(validSignal({ publisherId: 'b' }));
    expect((await signed(a, h.sign(a))).statusCode).toBe(202);
    const res = await signed(b, h.sign(b));
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('60');
  });
});

describe('POST /v1/signals/:id/updates', () => {
  it('records an update and answers 202; the same publisher update id twice creates one', async () => {
    h = await createHarness();
    const { id } = (await h.post('/v1/signals', validSignal())).json<{ id: string }>();
    const update = { kind: 'target_hit', targetIndex: 1, price: 67000, publisherUpdateId: 'u-1' };
    const first = await h.post(`/v1/signals/${id}/updates`, update);
    expect(first.statusCode).toBe(202);
    expect(first.json()).toEqual({ id: expect.stringMatching(/^upd_/), signalId: id, duplicate: false, planned: 0, superseded: 0 });
    const again = await h.post(`/v1/signals/${id}/updates`, update);
    expect(again.json()).toMatchObject({ id: first.json<{ id: string }>().id, duplicate: true });
    expect(count('signal_updates')).toBe(1);
  });

  it('answers 404 for an unknown signal', async () => {
    h = await createHarness();
    const res = await h.post('/v1/signals/sig_nope/updates', { kind: 'stopped' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('names every bad field', async () => {
    h = await createHarness();
    const { id } = (await h.post('/v1/signals', validSignal())).json<{ id: string }>();
    const res = await h.post(`/v1/signals/${id}/updates`, { kind: 'closed', price: -1 });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { fields: { field: string }[] } }>().error.fields.map((f) => f.field).sort()).toEqual(['price', 'resultPct']);
  });

  it('needs the same authentication', async () => {
    h = await createHarness();
    const { id } = (await h.post('/v1/signals', validSignal())).json<{ id: string }>();
    expect((await h.post(`/v1/signals/${id}/updates`, { kind: 'stopped' }, {})).statusCode).toBe(401);
  });
});

describe('POST /v1/signals/by-publisher-id/:publisherId/updates', () => {
  it('records an update for the signal with that publisher id', async () => {
    h = await createHarness();
    const { id } = (await h.post('/v1/signals', validSignal({ publisherId: 'engine/2026 #7' }))).json<{ id: string }>();
    const res = await h.post(`/v1/signals/by-publisher-id/${encodeURIComponent('engine/2026 #7')}/updates`, { kind: 'closed', resultPct: 3.5, publisherUpdateId: 'u-7' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ id: expect.stringMatching(/^upd_/), signalId: id, duplicate: false, planned: 0, superseded: 0 });
    expect(h.db.$client.prepare('select signal_id as s, kind from signal_updates').all()).toEqual([{ s: id, kind: 'closed' }]);
  });

  it('answers 404 naming the publisher id it does not know', async () => {
    h = await createHarness();
    const res = await h.post('/v1/signals/by-publisher-id/nope/updates', { kind: 'stopped' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'no signal with publisher id "nope"' } });
  });
});
