// Telegram benchmark: one alert to 10,000 subscribers by DM through the Telegram emulator at 1,000/s (paid-broadcast style).
import { serviceLabel, startBenchService } from './bench-service';
import type { ScenarioResult } from './report';
import { countByState, openOutbox, publishAccepted, round, seedDatabase, sendLatency, signalBody, tempDatabase, until } from './support';

export interface TelegramOptions {
  recipients: number;
  ratePerSecond: number;
  /** Share of sends the emulator answers 429 retry_after 1 s (seeded); 0 for none. */
  inject429: number;
  seed: number;
  timeoutMs: number;
  /** Extra node flags for the service process (e.g. --cpu-prof). */
  nodeArgs?: string[] | undefined;
  /** Runs a compiled build (node <entry> start) instead of tsx main.ts. */
  entry?: string[] | undefined;
}

/** 5% of sends answered 429, as the fan-out scenario: a real broadcast meets some. */
export const TELEGRAM_DEFAULTS: TelegramOptions = { recipients: 10_000, ratePerSecond: 1000, inject429: 0.05, seed: 42, timeoutMs: 90_000 };

/**
 * The service runs as a child process (`main.ts start` with TELEGRAM_BOT_TOKEN
 * and TELEGRAM_API_ROOT: the real bot, the Telegram ChatPlatform of
 * bots/telegram on grammy, the dispatcher); the Telegram emulator runs in
 * another child. Both enforce 1,000/s overall and 1/s per chat.
 */
export async function runTelegram(options: Partial<TelegramOptions> = {}): Promise<ScenarioResult> {
  const o = { ...TELEGRAM_DEFAULTS, ...options };
  const overall = { limit: o.ratePerSecond, windowMs: 1000 };
  const database = tempDatabase('telegram');
  const chatIds = seedDatabase(database.url, o.recipients, 'telegram');
  const bench = await startBenchService({
    databaseUrl: database.url,
    nodeArgs: o.nodeArgs,
    entry: o.entry,
    env: { TELEGRAM_RATE_OVERALL: `${o.ratePerSecond}/1s`, TELEGRAM_RATE_PER_CHAT: '1/1s' },
    emulators: {
      telegramLimits: { overall, paidBroadcast: overall, perChat: { limit: 1, windowMs: 1000 } },
      ...(o.inject429 > 0 ? { inject429: { rate: o.inject429, retryAfterSeconds: 1, seed: o.seed } } : {}),
    },
    telegramUsers: chatIds.map(Number),
  });
  const { service, emulators } = bench;
  const outbox = openOutbox(database.url);
  try {
    // CPU counted from before the POST: planning included, as a user pays for it.
    const cpuBefore = service.cpuMs();
    const answer = await publishAccepted(service.url, signalBody('bench-telegram-1', 'BTC_USDT<&>'));
    const planned = answer.body.planned ?? 0;
    const done = await until(() => (countByState(outbox).sent ?? 0) >= planned, answer.sentAt + o.timeoutMs, 100);
    const cpuAfter = service.cpuMs();
    const summary = await emulators.telegramSummary();
    const latency = sendLatency(await (await fetch(`${service.url}/metrics`)).text(), 'telegram');
    const states = countByState(outbox);

    const at = summary.acceptedAt;
    const first = at[0] ?? NaN;
    const spanMs = (at[at.length - 1] ?? NaN) - first;
    const rate = (at.length / spanMs) * 1000;
    const lo = Math.floor(at.length * 0.05);
    const hi = Math.floor(at.length * 0.95) - 1;
    const middle = ((hi - lo) / ((at[hi] ?? NaN) - (at[lo] ?? NaN))) * 1000;
    const perChat = new Map(summary.perChat.map(([chat, n]) => [String(chat), n]));
    const lost = chatIds.filter((id) => !perChat.has(id)).length;
    const duplicates = summary.perChat.reduce((sum, [, n]) => sum + n - 1, 0);
    const pct = (n: number) => round((n / o.ratePerSecond) * 100, 1);
    const limit429s = summary.stats.rateLimited;
    const serviceCpuMs = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : NaN;
    const accepted = summary.stats.accepted;
    const injected = summary.stats.injectedRateLimited;
    // As in the fan-out: a 429'd send still takes its slot of the window, and a 429 near the end waits
    // its retry_after, so the best first-to-last rate this run allows is about accepted / (requests / rate + 1 s).
    const ceiling = injected > 0 ? accepted / ((accepted + injected) / o.ratePerSecond + 1) : o.ratePerSecond;
    return {
      scenario: 'telegram',
      title: `Telegram: 1 alert to ${o.recipients.toLocaleString('en-US')} subscribers by DM`,
      setup: `${serviceLabel(o.entry)}: grammy bot + bots/telegram ChatPlatform -> the Telegram emulator; `
        + `both ${o.ratePerSecond}/1s overall (paid-broadcast style) and 1/1s per chat; `
        + (o.inject429 > 0 ? `${o.inject429 * 100}% of sends answered 429 retry_after 1 s (seed ${o.seed})` : 'no injected 429s'),
      figures: [
        { name: 'rate, first to last send', value: round(rate, 0), unit: `msg/s (${pct(rate)}% of the platform's rate)`, target: '>= 95% of best possible', ok: rate >= 0.95 * ceiling },
        { name: 'best possible first-to-last rate', value: round(ceiling, 0), unit: `msg/s (${pct(ceiling)}%, for the 429s this run drew)` },
        { name: 'rate, middle 90% of sends', value: round(middle, 0), unit: `msg/s (${pct(middle)}%)` },
        { name: 'span first to last send', value: spanMs, unit: 'ms' },
        { name: 'publish to first send', value: first - answer.sentAt, unit: 'ms' },
        { name: '429s beyond injected ones', value: limit429s, target: '0', ok: limit429s === 0 },
        { name: 'sends inside a retry_after', value: summary.stats.violations, target: '0', ok: summary.stats.violations === 0 },
        { name: 'injected 429s', value: summary.stats.injectedRateLimited },
        { name: 'lost', value: lost, target: '0', ok: lost === 0 && done },
        { name: 'duplicates', value: duplicates, target: '0', ok: duplicates === 0 },
        { name: 'outbox after', value: JSON.stringify(states) },
        { name: 'service CPU per accepted send (planning included)', value: round(serviceCpuMs / accepted, 3), unit: `ms (${round((serviceCpuMs / spanMs) * 100, 0)}% of a core)` },
        { name: 'send call, mean / share over 25 ms', value: `${latency.meanMs} ms / ${latency.over25msPct}%` },
        { name: 'emulator process CPU', value: round((summary.cpuMs / spanMs) * 100, 0), unit: '% of a core (incl. its start)' },
      ],
      data: {
        recipients: o.recipients, ratePerSecond: o.ratePerSecond, inject429: o.inject429, allSent: done, planned,
        rate: round(rate, 1), ratePct: pct(rate), ceilingRate: round(ceiling, 1), middleRate: round(middle, 1), middleRatePct: pct(middle), spanMs, publishToFirstSendMs: first - answer.sentAt,
        requests: summary.requests, accepted: summary.stats.accepted, limit429s, injected429: summary.stats.injectedRateLimited, violations: summary.stats.violations,
        lost, duplicates, outbox: states, serviceCpuMs, serviceCpuPerSendMs: round(serviceCpuMs / accepted, 3), sendLatency: latency,
        emulatorCpuMs: round(summary.cpuMs, 0),
      },
      notes: planned > o.recipients ? [`${planned - o.recipients} of the ${planned} deliveries go to the built-in plans' Telegram channel(s), not to subscribers`] : [],
    };
  } finally {
    outbox.$client.close();
    await bench.stop();
    database.remove();
  }
}
