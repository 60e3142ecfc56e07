// What every benchmark scenario shares: a temporary database with seeded subscribers, signed publishes, waiting, percentiles.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase, type Db } from '../db/client';
import { seedSubscribers } from '../db/testing/seed';
import { signBody } from '../server/signature';

export const BENCH_SECRET = 'bench-signing-secret-0123456789';

/** A database file in a fresh temporary folder, removed by `remove`. */
export interface BenchDatabase {
  url: string;
  remove(): void;
}

export function tempDatabase(prefix: string): BenchDatabase {
  const dir = mkdtempSync(join(tmpdir(), `sc-bench-${prefix}-`));
  return { url: `file:${join(dir, 'signalcast.db')}`, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Creates the schema and `count` subscribers on a plan (default pro: real-time alerts; null: free), then closes. Returns their chat ids. */
export function seedDatabase(url: string, count: number, platform: 'testchat' | 'telegram' = 'testchat', planId: string | null = 'pro'): string[] {
  const db = openDatabase(url);
  try {
    return seedSubscribers(db, { count, planId, platform }).chatIds;
  } finally {
    db.$client.close();
  }
}

/** A second connection to a service's database, for reading the outbox (WAL: it never blocks the service). */
export function openOutbox(url: string): Db {
  return openDatabase(url, { migrate: false });
}

/** Delivery counts by state, of one signal (by its public id; rows name it by ref) or of all. */
export function countByState(db: Db, signalId?: string): Record<string, number> {
  const rows = signalId
    ? db.$client.prepare(`SELECT state, count(*) AS n FROM deliveries
        WHERE content_type = 'signal' AND content_ref = (SELECT ref FROM signals WHERE id = ?) GROUP BY state`).all(signalId)
    : db.$client.prepare('SELECT state, count(*) AS n FROM deliveries GROUP BY state').all();
  return Object.fromEntries((rows as { state: string; n: number }[]).map((r) => [r.state, r.n]));
}

export function signalBody(publisherId: string, symbol = 'BTCUSDT'): string {
  return JSON.stringify({ publisherId, symbol, market: 'crypto', side: 'long', conviction: 0.86, reasons: ['Breakout above the range on volume'] });
}

export interface PublishAnswer {
  status: number;
  body: {
    id?: string; planned?: number; skipped?: number; duplicate?: boolean; error?: unknown;
    /** Issue 12's fields: candidates when published, whether planning goes on after the 202, seconds to reach them per platform. */
    candidates?: number; planning?: 'done' | 'in_progress'; estimates?: Record<string, { candidates: number; seconds: number }>;
  };
  /** From just before the request to the complete answer, in ms (fractional). */
  ms: number;
  /** Date.now() just before the request went out. */
  sentAt: number;
}

/** POST /v1/signals, signed, through the global fetch (undici, keep-alive). */
export async function publish(baseUrl: string, body: string): Promise<PublishAnswer> {
  const sentAt = Date.now();
  const started = performance.now();
  const res = await fetch(`${baseUrl}/v1/signals`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signalcast-signature': signBody(BENCH_SECRET, body, sentAt) },
    body,
  });
  const answer = (await res.json()) as PublishAnswer['body'];
  return { status: res.status, body: answer, ms: performance.now() - started, sentAt };
}

/** Like publish, but a scenario cannot go on without the 202: anything else throws with the answer. */
export async function publishAccepted(baseUrl: string, body: string): Promise<PublishAnswer> {
  const answer = await publish(baseUrl, body);
  if (answer.status !== 202) throw new Error(`publish answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer;
}

/** One signal published and followed to its end: when it went out, how many deliveries it planned, whether all settled in time, and the service's CPU time meanwhile (ms). */
export interface SettledPublish {
  sentAt: number;
  planned: number;
  done: boolean;
  serviceCpuMs: number;
}

/**
 * Publishes one signal to `service` and polls the outbox every `everyMs` until each planned delivery
 * is sent, dead or skipped (`done`), or until `timeoutMs` after the publish (not done).
 */
export async function publishAndSettle(service: { url: string; cpuMs(): number | undefined }, outbox: Db, publisherId: string, timeoutMs: number, everyMs: number): Promise<SettledPublish> {
  // CPU counted from before the POST: planning included.
  const cpuBefore = service.cpuMs();
  const answer = await publishAccepted(service.url, signalBody(publisherId, 'BTCUSDT'));
  const planned = answer.body.planned ?? 0;
  const done = await until(() => {
    const states = countByState(outbox);
    return (states.sent ?? 0) + (states.dead ?? 0) + (states.skipped ?? 0) >= planned;
  }, answer.sentAt + timeoutMs, everyMs);
  const cpuAfter = service.cpuMs();
  return { sentAt: answer.sentAt, planned, done, serviceCpuMs: (cpuAfter ?? NaN) - (cpuBefore ?? NaN) };
}

/** The service settings that point it at the testchat emulator, at `ratePerSecond` overall and 1/s per chat. */
export function testchatEnv(url: string, token: string, ratePerSecond = 1000): Record<string, string> {
  return { TESTCHAT_URL: url, TESTCHAT_TOKEN: token, TESTCHAT_RATE_OVERALL: `${ratePerSecond}/1s`, TESTCHAT_RATE_PER_CHAT: '1/1s' };
}

/** Polls until `check` holds; false when `deadline` (Date.now() ms) passes first. */
export async function until(check: () => boolean | Promise<boolean>, deadline: number, everyMs = 20): Promise<boolean> {
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return true;
}

/** Nearest-rank percentile of `values` (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export const round = (n: number, digits = 1): number => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n);

/** The 1-minute load average: above the core count, other work competed with the benchmark. */
export function load1(): number {
  return round(loadavg()[0] ?? 0, 2);
}

/** Send-call durations from the Prometheus text: how many, their mean, and the share slower than 25 ms. */
export function sendLatency(metricsText: string, platform: string): { count: number; meanMs: number; over25msPct: number } {
  const value = (name: string, le?: string): number => {
    const labels = le === undefined ? `platform="${platform}"` : `le="${le}",platform="${platform}"`;
    const line = metricsText.split('\n').find((l) => l.startsWith(`signalcast_delivery_send_seconds_${name}{${labels}}`));
    return Number(line?.split(' ').pop() ?? NaN);
  };
  const count = value('count');
  const sum = value('sum');
  const within25 = value('bucket', '0.025');
  return { count, meanMs: round((sum / count) * 1000, 2), over25msPct: round(((count - within25) / count) * 100, 1) };
}

/** The event loop's delay since the previous scrape (each scrape starts a new window: server/event-loop-delay.ts), in ms. */
export async function scrapeLoop(url: string): Promise<{ p99: number; max: number } | undefined> {
  const text = await scrapeMetrics(url);
  if (text === undefined) return undefined;
  const read = (name: string) => Number(text.split('\n').find((l) => l.startsWith(`${name} `))?.split(' ')[1] ?? NaN) * 1000;
  return { p99: read('signalcast_event_loop_delay_p99_seconds'), max: read('signalcast_event_loop_delay_max_seconds') };
}

/** The service's /metrics text; undefined when it does not answer within 30 s. */
export async function scrapeMetrics(url: string): Promise<string | undefined> {
  try {
    return await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(30_000) })).text();
  } catch {
    return undefined;
  }
}

/** A counter's total over all its label sets, from the Prometheus text (0 when absent). */
export function counterTotal(metricsText: string, name: string): number {
  return metricsText.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((sum, l) => sum + Number(l.split(' ').pop() ?? 0), 0);
}
