// Rationale benchmark: a burst of 100 signals to Telegram DM subscribers whose plan has rationales, the model answering each in 500 ms,
// against the same burst with rationales off: the alerts' POST -> first send must not notice the writer, and the model is asked once per signal.
import { startTelegramEmulator, type TelegramEmulator } from '../sandbox/telegram';
import { startOpenAIEmulator, type OpenAIEmulator } from '../sandbox/openai';
import { serviceLabel } from './bench-service';
import { stats } from './latency';
import type { ScenarioResult } from './report';
import { spawnService } from './service-process';
import { BENCH_SECRET, publish, round, seedDatabase, tempDatabase, until, type PublishAnswer } from './support';

export interface RationaleBenchOptions {
  signals: number;
  subscribers: number;
  /** How long the emulated model takes to answer each rationale. */
  modelMs: number;
  timeoutMs: number;
  nodeArgs?: string[] | undefined;
  entry?: string[] | undefined;
}

export const RATIONALE_DEFAULTS: RationaleBenchOptions = { signals: 100, subscribers: 50, modelMs: 500, timeoutMs: 120_000 };

const symbolOf = (i: number) => `R${String(i).padStart(3, '0')}_USDT`;

interface Run {
  firstSendMs: number[];
  acceptedMs: number[];
  alerts: number;
  rationales: number;
  modelCalls: number;
  retries: number;
  done: boolean;
}

/** sendMessage requests the emulator took: when, what text, whether a reply. */
function sends(tg: TelegramEmulator): { at: number; text: string; reply: boolean }[] {
  return tg.requests.filter((r) => r.path.endsWith('/sendMessage') && r.status === 200).map((r) => {
    const body = (r.body ?? {}) as { text?: string; reply_parameters?: unknown };
    return { at: r.at, text: body.text ?? '', reply: body.reply_parameters !== undefined };
  });
}

async function burst(o: RationaleBenchOptions, rationales: boolean): Promise<Run> {
  const perChat = { limit: 1000, windowMs: 1000 };
  const tg = await startTelegramEmulator({ limits: { overall: { limit: 1000, windowMs: 1000 }, perChat, perGroup: perChat } });
  const openai: OpenAIEmulator | null = rationales ? await startOpenAIEmulator() : null;
  const database = tempDatabase(`rationale-${rationales ? 'on' : 'off'}`);
  const chatIds = seedDatabase(database.url, o.subscribers, 'telegram', 'pro');
  for (const id of chatIds) tg.addUser(Number(id), { startedBot: true });
  openai?.hang(o.modelMs, { count: o.signals });
  const service = await spawnService({
    nodeArgs: o.nodeArgs,
    entry: o.entry,
    env: {
      DATABASE_URL: database.url, INGEST_SIGNING_SECRET: BENCH_SECRET, INGEST_RATE_PER_MINUTE: '1000000',
      TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot, TELEGRAM_RATE_OVERALL: '1000/1s', TELEGRAM_RATE_PER_CHAT: '1000/1s',
      RATIONALES: rationales ? 'on' : 'off',
      ...(openai ? { OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.baseURL } : {}),
    },
  });
  try {
    const answers: PublishAnswer[] = await Promise.all(Array.from({ length: o.signals }, (_, i) =>
      publish(service.url, JSON.stringify({ publisherId: `bench-rationale-${i}`, symbol: symbolOf(i), market: 'crypto', side: 'long', conviction: 0.86, reasons: ['Breakout above the range on volume'], stop: 100 }))));
    const bad = answers.find((a) => a.status !== 202);
    if (bad) throw new Error(`publish answered ${bad.status}: ${JSON.stringify(bad.body)}`);
    const wanted = o.signals * o.subscribers;
    const deadline = Date.now() + o.timeoutMs;
    const done = await until(() => {
      const s = sends(tg);
      return s.filter((m) => !m.reply).length >= wanted && (!rationales || s.filter((m) => m.reply).length >= wanted);
    }, deadline, 50);
    const all = sends(tg);
    const firstSendMs = answers.map((a, i) => {
      const symbol = symbolOf(i);
      const first = all.find((m) => !m.reply && m.text.includes(symbol));
      return first ? first.at - a.sentAt : NaN;
    });
    return {
      firstSendMs, acceptedMs: answers.map((a) => a.ms), alerts: all.filter((m) => !m.reply).length, rationales: all.filter((m) => m.reply).length,
      modelCalls: openai?.calls.length ?? 0, retries: openai?.calls.filter((c) => c.retryCount > 0).length ?? 0, done,
    };
  } finally {
    await service.stop('SIGTERM');
    openai?.clearFaults();
    await Promise.allSettled([tg.stop(), openai?.stop()]);
    database.remove();
  }
}

/** Both bursts, off first, each on a fresh database, service and emulators. */
export async function runRationale(options: Partial<RationaleBenchOptions> = {}): Promise<ScenarioResult> {
  const o = { ...RATIONALE_DEFAULTS, ...options };
  const off = await burst(o, false);
  const on = await burst(o, true);
  const fOff = stats(off.firstSendMs);
  const fOn = stats(on.firstSendMs);
  const ratio = fOn.p99 / fOff.p99;
  const wanted = o.signals * o.subscribers;
  return {
    scenario: 'rationale',
    title: `Rationales: a burst of ${o.signals} signals to ${o.subscribers} Telegram DMs, the model answering in ${o.modelMs} ms`,
    setup: `${serviceLabel(o.entry)}; Telegram and OpenAI emulators in the bench process (Telegram 1000/1s overall, per chat widened to 1000/1s so that `
      + `the alerts meet no per-chat wait); ${o.signals} signed POSTs at once, the pro plan (rationales) for every subscriber; once with RATIONALES=off, once on`,
    figures: [
      { name: 'POST to first alert send, p50 off / on', value: `${fOff.p50} / ${fOn.p50}`, unit: 'ms' },
      { name: 'POST to first alert send, p99 off', value: fOff.p99, unit: 'ms' },
      { name: 'POST to first alert send, p99 on', value: fOn.p99, unit: 'ms', target: `<= 110% of off (${round(fOff.p99 * 1.1, 1)} ms)`, ok: ratio <= 1.1 },
      { name: 'p99 on / off', value: round(ratio, 3) },
      { name: 'model calls', value: on.modelCalls, target: String(o.signals), ok: on.modelCalls === o.signals && on.retries === 0 },
      { name: 'alerts sent off / on', value: `${off.alerts} / ${on.alerts}`, target: `${wanted} each`, ok: off.alerts === wanted && on.alerts === wanted },
      { name: 'rationales sent (replies), on', value: on.rationales, target: String(wanted), ok: on.rationales === wanted && on.done },
    ],
    data: {
      signals: o.signals, subscribers: o.subscribers, modelMs: o.modelMs, firstSendOffMs: fOff, firstSendOnMs: fOn, p99Ratio: round(ratio, 3),
      acceptedOffMs: stats(off.acceptedMs), acceptedOnMs: stats(on.acceptedMs), modelCalls: on.modelCalls, modelRetries: on.retries,
      alertsOff: off.alerts, alertsOn: on.alerts, rationalesOn: on.rationales, done: off.done && on.done,
    },
    notes: ['first-send times are the emulator\'s arrival stamps against the client\'s send time, both in this process (ms resolution)'],
  };
}
