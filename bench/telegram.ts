// Telegram benchmark: one alert to 10,000 subscribers by DM through the Telegram emulator at 1,000/s (paid-broadcast style).
import { performance } from 'node:perf_hooks';
import { Api } from 'grammy';
import { TelegramPlatform } from '../bots/telegram';
import { systemClock } from '../core/clock';
import { Dispatcher } from '../core/delivery/dispatcher';
import { createRetryPolicy } from '../core/delivery/retry-policy';
import type { Logger } from '../core/logger';
import { loadPlans } from '../core/plans';
import { openDatabase } from '../db/client';
import { SqliteAuditLog } from '../db/stores/audit-store';
import { SqliteContentResolver } from '../db/stores/delivery-content';
import { SqliteDeliveryStore } from '../db/stores/delivery-store';
import { SqliteSignalStore } from '../db/stores/signal-store';
import { PromMetrics } from '../server/metrics';
import type { ScenarioResult } from './report';
import { countByState, round, seedDatabase, sendLatency, tempDatabase, until } from './support';
import { startTelegramEmulatorProcess } from './telegram-emulator-process';

export interface TelegramOptions {
  recipients: number;
  ratePerSecond: number;
  /** Share of sends the emulator answers 429 retry_after 1 s (seeded); 0 for none. */
  inject429: number;
  seed: number;
  concurrency: number;
  timeoutMs: number;
}

export const TELEGRAM_DEFAULTS: TelegramOptions = { recipients: 10_000, ratePerSecond: 1000, inject429: 0, seed: 42, concurrency: 64, timeoutMs: 90_000 };

/** Counts warnings and errors (and keeps the first few) instead of printing them into the table. */
function countingLogger(seen: { warn: number; error: number; first: string[] }): Logger {
  const keep = (level: 'warn' | 'error') => (objOrMsg: object | string, msg?: string) => {
    seen[level]++;
    if (seen.first.length < 5) seen.first.push(`${level}: ${typeof objOrMsg === 'string' ? objOrMsg : `${msg ?? ''} ${JSON.stringify(objOrMsg)}`}`);
  };
  const logger: Logger = { trace: () => {}, debug: () => {}, info: () => {}, warn: keep('warn'), error: keep('error'), fatal: keep('error'), child: () => logger };
  return logger;
}

/**
 * The engine runs in this process, wired as main.ts wires it (real stores on
 * a SQLite file, the dispatcher, Prometheus metrics) with the Telegram
 * ChatPlatform from bots/telegram on grammy's Api; the Telegram emulator runs
 * in a child process. Both enforce 1,000/s overall and 1/s per chat.
 */
export async function runTelegram(options: Partial<TelegramOptions> = {}): Promise<ScenarioResult> {
  const o = { ...TELEGRAM_DEFAULTS, ...options };
  const overall = { limit: o.ratePerSecond, windowMs: 1000 };
  const perChat = { limit: 1, windowMs: 1000 };
  const emulator = await startTelegramEmulatorProcess({
    type: 'start',
    limits: { overall, paidBroadcast: overall, perChat },
    ...(o.inject429 > 0 ? { inject429: { rate: o.inject429, retryAfterSeconds: 1, seed: o.seed } } : {}),
  });
  const database = tempDatabase('telegram');
  const chatIds = seedDatabase(database.url, o.recipients, 'telegram');
  await emulator.addUsers(chatIds.map(Number));
  const db = openDatabase(database.url);
  const seen = { warn: 0, error: 0, first: [] as string[] };
  const logger = countingLogger(seen);
  const clock = systemClock;
  const deliveries = new SqliteDeliveryStore({ db, clock, audit: new SqliteAuditLog({ db, clock }) });
  const metrics = new PromMetrics({ queueDepth: () => deliveries.countByPlatformAndState() });
  const platform = new TelegramPlatform({ api: new Api(emulator.token, { apiRoot: emulator.apiRoot, timeoutSeconds: 15 }), logger });
  const dispatcher = new Dispatcher({
    store: deliveries,
    platforms: new Map([['telegram', platform]]),
    content: new SqliteContentResolver({ db }),
    clock,
    logger,
    metrics,
    retryPolicy: createRetryPolicy({ maxAttempts: 8 }),
    concurrency: o.concurrency,
    limits: { telegram: { overall, perChat } },
  });
  const signals = new SqliteSignalStore({ db, clock, plans: loadPlans(undefined), bands: { aMin: 0.8, bMin: 0.6 }, logger, metrics });
  try {
    await dispatcher.start();
    const cpuBefore = process.cpuUsage();
    const publishStarted = performance.now();
    const publishedAt = Date.now();
    const outcome = signals.publishNow(
      { publisherId: 'bench-telegram-1', symbol: 'BTC_USDT<&>', market: 'crypto', side: 'long', conviction: 0.86, reasons: ['Breakout <above> the range & volume'] },
      { publishedBy: 'bench' },
    );
    const publishMs = performance.now() - publishStarted;
    dispatcher.poke();
    const deadline = publishedAt + o.timeoutMs;
    const done = await until(() => (countByState(db).sent ?? 0) >= o.recipients, deadline, 250);
    await dispatcher.stop();
    const cpu = process.cpuUsage(cpuBefore);
    const engineCpuMs = (cpu.user + cpu.system) / 1000;
    const summary = await emulator.summary();
    const latency = sendLatency((await metrics.render()).body, 'telegram');
    const states = countByState(db);

    const at = summary.acceptedAt;
    const first = at[0] ?? NaN;
    const last = at[at.length - 1] ?? NaN;
    const spanMs = last - first;
    const rate = (at.length / spanMs) * 1000;
    const lo = Math.floor(at.length * 0.05);
    const hi = Math.floor(at.length * 0.95) - 1;
    const middle = ((hi - lo) / ((at[hi] ?? NaN) - (at[lo] ?? NaN))) * 1000;
    const reached = new Set(summary.chatsReached.map(String));
    const lost = chatIds.filter((id) => !reached.has(id)).length;
    const pct = (n: number) => round((n / o.ratePerSecond) * 100, 1);
    const limit429s = summary.stats.rateLimited;
    return {
      scenario: 'telegram',
      title: `Telegram: 1 alert to ${o.recipients.toLocaleString('en-US')} subscribers by DM`,
      setup: `engine in the bench process (dispatcher + SQLite stores + bots/telegram TelegramPlatform on grammy) -> Telegram emulator in a child process; `
        + `both ${o.ratePerSecond}/1s overall (paid-broadcast style) and 1/1s per chat; concurrency ${o.concurrency}; `
        + (o.inject429 > 0 ? `${o.inject429 * 100}% of sends answered 429 retry_after 1 s (seed ${o.seed})` : 'no injected 429s'),
      figures: [
        { name: 'rate, first to last send', value: round(rate, 0), unit: `msg/s (${pct(rate)}%)`, target: '>= 95%', ok: pct(rate) >= 95 },
        { name: 'rate, middle 90% of sends', value: round(middle, 0), unit: `msg/s (${pct(middle)}%)` },
        { name: 'span first to last send', value: spanMs, unit: 'ms' },
        { name: 'publish (planning, in-process)', value: round(publishMs, 0), unit: 'ms' },
        { name: '429s beyond injected ones', value: limit429s, target: '0', ok: limit429s === 0 },
        { name: 'sends inside a retry_after', value: summary.stats.violations, target: '0', ok: summary.stats.violations === 0 },
        { name: 'injected 429s', value: summary.stats.injectedRateLimited },
        { name: 'lost', value: lost, target: '0', ok: lost === 0 && done },
        { name: 'duplicates', value: summary.duplicates, target: '0', ok: summary.duplicates === 0 },
        { name: 'outbox after', value: JSON.stringify(states) },
        { name: 'engine CPU per send', value: round(engineCpuMs / summary.requests, 3), unit: `ms (${round((engineCpuMs / spanMs) * 100, 0)}% of a core)` },
        { name: 'send call, mean / share over 25 ms', value: `${latency.meanMs} ms / ${latency.over25msPct}%` },
        { name: 'emulator process CPU, total', value: round(summary.cpuMs, 0), unit: 'ms' },
        { name: 'engine warnings / errors logged', value: `${seen.warn} / ${seen.error}` },
      ],
      data: {
        recipients: o.recipients, ratePerSecond: o.ratePerSecond, inject429: o.inject429, concurrency: o.concurrency, allSent: done,
        planned: outcome.planned, publishMs: round(publishMs, 1), rate: round(rate, 1), ratePct: pct(rate), middleRate: round(middle, 1), middleRatePct: pct(middle), spanMs,
        requests: summary.requests, accepted: summary.stats.accepted, limit429s, injected429: summary.stats.injectedRateLimited, violations: summary.stats.violations,
        lost, duplicates: summary.duplicates, outbox: states, engineCpuMs: round(engineCpuMs, 0), engineCpuPerSendMs: round(engineCpuMs / summary.requests, 3),
        sendLatency: latency, emulatorCpuMs: round(summary.cpuMs, 0), warnings: seen.warn, errors: seen.error, firstWarnings: seen.first,
      },
    };
  } finally {
    await dispatcher.stop();
    db.$client.close();
    await emulator.stop();
    database.remove();
  }
}
