// The crash test: the real service is SIGKILLed mid fan-out and restarted; every alert arrives, only in-flight ones twice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnService, type ServiceProcess } from '../../bench/service-process';
import { openDatabase } from '../../db/client';
import { seedSubscribers } from '../../db/testing/seed';
import { startTestchat, type TestchatEmulator } from '../../sandbox/testchat/server';
import { signBody } from '../../server/signature';
import { until } from '../testing/until';

const SUBSCRIBERS = 3_000;
/** A publish large enough to be planned in many chunks after its 202. */
const LARGE = 20_000;
const CONCURRENCY = 32;
const SECRET = 'crash-test-signing-secret';
const TOKEN = 'crash-test-token';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Reads the outbox from the test process (WAL: readers never block the service). */
function outbox(databaseUrl: string) {
  const db = openDatabase(databaseUrl, { migrate: false });
  cleanups.push(() => db.$client.close());
  const countBy = db.$client.prepare<[string], { state: string; n: number }>(
    'SELECT d.state, count(*) AS n FROM deliveries d JOIN destinations dest ON dest.ref = d.destination_ref WHERE dest.platform LIKE ? GROUP BY d.state');
  const sending = db.$client.prepare<[], { recipient_key: string }>(`SELECT dest.recipient_key FROM deliveries d JOIN destinations dest ON dest.ref = d.destination_ref
    WHERE d.state = 'sending' ORDER BY dest.recipient_key`);
  return {
    /** By state; only the test platform's rows, or every row with platform '%'. */
    counts: (platform = 'testchat'): Record<string, number> => Object.fromEntries(countBy.all(platform).map((r) => [r.state, r.n])),
    sendingKeys: (): string[] => sending.all().map((r) => r.recipient_key),
    /** The one planning job's state and count. */
    job: () => db.$client.prepare('SELECT state, planned FROM planning_jobs').get() as { state: string; planned: number } | undefined,
  };
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

function chatCounts(emulator: TestchatEmulator): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of emulator.messages) counts.set(m.chatId, (counts.get(m.chatId) ?? 0) + 1);
  return counts;
}

describe('crash recovery of the real service', () => {
  it('after a SIGKILL mid fan-out, a restart delivers every alert, and only the sends in flight at the kill arrive twice', async () => {
    const { url: testchatUrl, emulator } = await startTestchat({
      token: TOKEN,
      limits: { overall: { limit: 1000, windowMs: 1000 }, perChat: { limit: 1, windowMs: 1000 } },
    });
    cleanups.push(() => emulator.stop());
    const dir = mkdtempSync(join(tmpdir(), 'sc-crash-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const databaseUrl = `file:${join(dir, 'signalcast.db')}`;
    const seedDb = openDatabase(databaseUrl);
    const { chatIds } = seedSubscribers(seedDb, { count: SUBSCRIBERS, planId: 'pro' });
    seedDb.$client.close();

    const env = {
      DATABASE_URL: databaseUrl,
      INGEST_SIGNING_SECRET: SECRET,
      TESTCHAT_URL: testchatUrl,
      TESTCHAT_TOKEN: TOKEN,
      TESTCHAT_RATE_OVERALL: '1000/1s',
      TESTCHAT_RATE_PER_CHAT: '1/1s',
      DELIVERY_CONCURRENCY: String(CONCURRENCY),
      // The rest in one chunk right after the 202's first 500: this test kills mid fan-out, the next one mid-planning.
      PLANNING_CHUNK_SIZE: String(2 * SUBSCRIBERS),
    };
    const services: ServiceProcess[] = [];
    cleanups.push(() => Promise.all(services.map((s) => s.stop('SIGKILL'))));
    const first = await spawnService({ env });
    services.push(first);

    const body = JSON.stringify({ publisherId: 'crash-1', symbol: 'BTCUSDT', market: 'crypto', side: 'long', conviction: 0.9, reasons: ['Breakout'] });
    const res = await fetch(`${first.url}/v1/signals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signalcast-signature': signBody(SECRET, body, Date.now()) },
      body,
    });
    expect(res.status).toBe(202);
    const published = (await res.json()) as { id: string; planned: number };
    expect(published.planned).toBe(500);
    const db = outbox(databaseUrl);
    // One delivery per subscriber, plus one per channel of the built-in plans (the sandbox's Telegram channel).
    await until(() => db.job()?.state === 'done', 'the planning to finish', { timeoutMs: 30_000, everyMs: 2 });
    expect(total(db.counts())).toBe(SUBSCRIBERS);
    expect(db.job()?.planned).toBe(total(db.counts('%')));

    // Mid-way, the platform goes on accepting sends but stops answering: every slot fills with a
    // send the platform has taken and the service has not heard back about. Then the kill.
    await until(() => emulator.messages.length >= SUBSCRIBERS * 0.4, '40% of the alerts to arrive', { timeoutMs: 30_000, everyMs: 5 });
    const release = emulator.holdAnswers();
    cleanups.push(release);
    const acceptedBeforeHold = emulator.messages.length;
    expect(acceptedBeforeHold).toBeLessThan(SUBSCRIBERS * 0.7);
    await until(() => emulator.messages.length - acceptedBeforeHold === CONCURRENCY && db.counts().sending === CONCURRENCY,
      'every slot to hold an unanswered send, and every answered one to be recorded', { timeoutMs: 30_000, everyMs: 5 });
    const held = emulator.messages.slice(acceptedBeforeHold).map((m) => `testchat:${m.chatId}`).sort();

    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const sendingAtKill = db.sendingKeys();
    expect(sendingAtKill).toEqual(held);
    const atKill = db.counts();
    expect(atKill.pending).toBeGreaterThan(0);
    expect(atKill.sent).toBe(acceptedBeforeHold);
    release();

    const second = await spawnService({ env });
    services.push(second);
    const recovered = second.lines
      .filter((l) => String(l.msg).startsWith('delivery was being sent when the process stopped'))
      .map((l) => String(l.recipientKey))
      .sort();
    expect(recovered).toEqual(sendingAtKill);

    const planned = db.job()?.planned;
    await until(() => db.counts('%').sent === planned, 'every delivery to be sent after the restart', { timeoutMs: 30_000, everyMs: 5 });
    expect((await second.stop('SIGTERM')).code).toBe(0);
    expect(db.counts('%')).toEqual({ sent: planned });

    // What the platform actually received: everyone at least once, twice only those in flight at the kill.
    const counts = chatCounts(emulator);
    expect(chatIds.filter((id) => !counts.has(id))).toEqual([]);
    const twice = [...counts].filter(([, n]) => n > 1);
    expect(twice.every(([, n]) => n === 2)).toBe(true);
    expect(twice.map(([id]) => `testchat:${id}`).sort()).toEqual(sendingAtKill);
    expect(twice.length).toBeLessThanOrEqual(CONCURRENCY);
    expect(emulator.messages.length).toBe(SUBSCRIBERS + sendingAtKill.length);
    expect(emulator.messages.every((m) => m.text.includes(`#${published.id}`))).toBe(true);
    expect(first.stderr.join('') + second.stderr.join('')).toBe('');
  }, 60_000);

  it('after a SIGKILL mid-planning of a large publish, a restart plans the rest from its cursor: one alert row per candidate, none lost, none twice', async () => {
    const { url: testchatUrl, emulator } = await startTestchat({ token: TOKEN });
    cleanups.push(() => emulator.stop());
    const dir = mkdtempSync(join(tmpdir(), 'sc-crash-plan-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const databaseUrl = `file:${join(dir, 'signalcast.db')}`;
    const seedDb = openDatabase(databaseUrl);
    seedSubscribers(seedDb, { count: LARGE, planId: 'pro' });
    seedDb.$client.close();

    // Small chunks, so that planning lasts long enough for the kill to land in it.
    const env = { DATABASE_URL: databaseUrl, INGEST_SIGNING_SECRET: SECRET, TESTCHAT_URL: testchatUrl, TESTCHAT_TOKEN: TOKEN, PLANNING_CHUNK_SIZE: '25' };
    const services: ServiceProcess[] = [];
    cleanups.push(() => Promise.all(services.map((s) => s.stop('SIGKILL'))));
    const first = await spawnService({ env });
    services.push(first);
    const db = openDatabase(databaseUrl, { migrate: false });
    cleanups.push(() => db.$client.close());
    // The subscribers, and the channels of the built-in plans the service made at start.
    const candidates = db.$client.prepare("SELECT count(*) FROM destinations WHERE enabled = 1 AND instr(content_kinds, '\"alert\"') > 0").pluck().get() as number;
    const lastRef = db.$client.prepare('SELECT max(ref) FROM destinations').pluck().get() as number;
    // The candidates are kept in memory from start, built in the background page by page.
    expect(await first.waitFor((l) => l.msg === 'planning candidates ready', 30_000)).toMatchObject({ kept: candidates });
    const body = JSON.stringify({ publisherId: 'crash-plan-1', symbol: 'BTCUSDT', market: 'crypto', side: 'long', conviction: 0.9, reasons: ['Breakout'] });
    const res = await fetch(`${first.url}/v1/signals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signalcast-signature': signBody(SECRET, body, Date.now()) },
      body,
    });
    expect(res.status).toBe(202);
    const published = (await res.json()) as { id: string; planned: number; candidates: number; planning: string };
    expect(published).toMatchObject({ planned: 25, candidates, planning: 'in_progress' });

    const job = db.$client.prepare<[], { state: string; cursor: number; planned: number }>('SELECT state, cursor, planned FROM planning_jobs');
    const rows = db.$client.prepare<[], { n: number; destinations: number }>(
      "SELECT count(*) AS n, count(DISTINCT destination_ref) AS destinations FROM deliveries WHERE kind = 'alert'");
    const subscriberRows = db.$client.prepare<[], { n: number; destinations: number }>(`SELECT count(*) AS n, count(DISTINCT d.destination_ref) AS destinations
      FROM deliveries d JOIN destinations dest ON dest.ref = d.destination_ref WHERE d.kind = 'alert' AND dest.platform = 'testchat'`);
    await until(() => (job.get()?.cursor ?? 0) >= LARGE / 10, 'a tenth of the candidates to be planned', { timeoutMs: 30_000, everyMs: 1 });
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const atKill = job.get();
    expect(atKill?.state).toBe('planning');
    expect(atKill?.cursor).toBeLessThan(LARGE);
    // What the dead process committed: the job's counts match its rows exactly.
    expect(rows.get()).toEqual({ n: atKill?.planned, destinations: atKill?.planned });

    const second = await spawnService({ env });
    services.push(second);
    await until(() => job.get()?.state === 'done', 'the restarted service to finish the planning', { timeoutMs: 30_000, everyMs: 5 });
    const done = job.get();
    expect(done).toMatchObject({ state: 'done', cursor: lastRef });
    // Every subscriber exactly one alert row; every row counted once by the job, across both processes.
    expect(subscriberRows.get()).toEqual({ n: LARGE, destinations: LARGE });
    expect(rows.get()).toEqual({ n: done?.planned, destinations: done?.planned });
    expect(second.lines.filter((l) => l.msg === 'signal planned').map((l) => [l.signalId, l.planned])).toEqual([[published.id, done?.planned]]);
    expect((await second.stop('SIGTERM')).code).toBe(0);
    expect(first.stderr.join('') + second.stderr.join('')).toBe('');
  }, 90_000);
});
