// Load benchmark: open-loop publishes (5/s, then 20/s on a fresh service) to 10,000 paid Telegram DM subscribers, as a user would see them.
import { performance } from 'node:perf_hooks';
import type { Figure, ScenarioResult } from './report';
import { serviceLabel, startBenchService } from './bench-service';
import { counterTotal, countByState, openOutbox, percentile, publish, round, scrapeLoop, scrapeMetrics, seedDatabase, signalBody, tempDatabase, type PublishAnswer } from './support';

export interface LoadOptions {
  nodeArgs?: string[] | undefined;
  entry?: string[] | undefined;
  subscribers: number;
  /** Publishes per second, one fresh service and database each. */
  rates: number[];
  /** How long each rate publishes. */
  seconds: number;
  /** After the last 202, how long first sends are still watched for. */
  watchMs: number;
  ratePerSecond: number;
}

export const LOAD_DEFAULTS: LoadOptions = { subscribers: 10_000, rates: [5, 20], seconds: 30, watchMs: 15_000, ratePerSecond: 1000 };

/** One rate's run: every figure, raw. */
interface RateRun {
  rate: number;
  publishes: number;
  accepted: number;
  acceptedMs: { p50: number; p99: number; max: number };
  /** 202 to first send per publish; null: none within the watch. */
  firstSendMs: (number | null)[];
  newestMs: number | null;
  within15s: number;
  loopP99Ms: number;
  loopMaxMs: number;
  sendsPerSecond: number;
  /** The bench's own lateness firing a publish after its due instant (max). */
  fireLateMs: number;
  outbox: Record<string, number>;
  /** signalcast_deliveries_expired_total and _superseded_total at the end (null: /metrics did not answer). */
  metricsExpired: number | null;
  metricsSuperseded: number | null;
  /** The newest publish's 202: the estimated seconds to reach all its candidates, per platform (issue 12). */
  newestEstimate: Record<string, { candidates: number; seconds: number }> | null;
  /** How many 202s said planning goes on after them. */
  planningInProgress: number;
  watchedMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Nearest-rank percentile where null (never sent) counts as longer than anything: null when it lands there. */
function censored(values: readonly (number | null)[], p: number): number | null {
  const known = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const rank = Math.min(values.length, Math.max(1, Math.ceil((p / 100) * values.length)));
  return rank <= known.length ? (known[rank - 1] as number) : null;
}

async function runRate(o: LoadOptions, rate: number): Promise<RateRun> {
  const overall = { limit: o.ratePerSecond, windowMs: 1000 };
  const database = tempDatabase(`load-${rate}`);
  const chatIds = seedDatabase(database.url, o.subscribers, 'telegram');
  const bench = await startBenchService({
    databaseUrl: database.url,
    nodeArgs: o.nodeArgs,
    entry: o.entry,
    env: { TELEGRAM_RATE_OVERALL: `${o.ratePerSecond}/1s`, TELEGRAM_RATE_PER_CHAT: '1/1s', INGEST_RATE_PER_MINUTE: '1000000', RATIONALES: 'off' },
    emulators: { telegramLimits: { overall, paidBroadcast: overall, perChat: { limit: 1, windowMs: 1000 } } },
    telegramUsers: chatIds.map(Number),
  });
  const { service, emulators } = bench;
  const outbox = openOutbox(database.url);
  try {
    await scrapeLoop(service.url); // resets the histogram: what follows is the load
    const count = Math.round(rate * o.seconds);
    const start = performance.now() + 200;
    const due = Array.from({ length: count }, (_, i) => start + (i * 1000) / rate);
    const loop: { p99: number; max: number }[] = [];
    let scraping = true;
    const scraper = (async () => {
      while (scraping) {
        await sleep(1000);
        const s = await scrapeLoop(service.url);
        if (s) loop.push(s);
      }
    })();
    let fireLateMs = 0;
    const answers: Promise<PublishAnswer | undefined>[] = [];
    for (let i = 0; i < count; i++) {
      await sleep((due[i] as number) - performance.now());
      fireLateMs = Math.max(fireLateMs, performance.now() - (due[i] as number));
      answers.push(publish(service.url, signalBody(`bench-load-${rate}-${i}`, `LOAD${i}`)).catch(() => undefined));
    }
    const loadStartedAt = Date.now() - (performance.now() - start);
    const results = await Promise.all(answers);
    const loadEndedAt = Date.now();
    const lastAnswerAt = Math.max(...results.map((a) => (a ? a.sentAt + a.ms : 0)));
    await sleep(lastAnswerAt + o.watchMs - Date.now());
    scraping = false;
    await scraper;
    const ok = results.filter((a): a is PublishAnswer => a?.status === 202 && typeof a.body.id === 'string');
    const reply = await emulators.ask({ type: 'firstSends', ids: ok.map((a) => a.body.id as string) });
    if (reply.type !== 'firstSends') throw new Error('unexpected answer from the emulators process');
    const firstAt = new Map(reply.firstAt);
    const gaps = ok.map((a) => {
      const at = firstAt.get(a.body.id as string);
      return at === undefined ? null : at - (a.sentAt + a.ms);
    });
    const newest = results.at(-1);
    const newestIndex = newest ? ok.indexOf(newest as PublishAnswer) : -1;
    const inLoad = reply.accepted.filter((at) => at >= loadStartedAt && at <= loadEndedAt).length;
    const ms = ok.map((a) => a.ms);
    const metrics = await scrapeMetrics(service.url);
    return {
      rate, publishes: count, accepted: ok.length,
      acceptedMs: { p50: round(percentile(ms, 50), 1), p99: round(percentile(ms, 99), 1), max: round(Math.max(...ms), 1) },
      firstSendMs: gaps.map((g) => (g === null ? null : round(g, 0))),
      newestMs: newestIndex >= 0 ? (gaps[newestIndex] ?? null) : null,
      within15s: gaps.filter((g) => g !== null && g <= 15_000).length,
      loopP99Ms: round(Math.max(...loop.map((l) => l.p99)), 1),
      loopMaxMs: round(Math.max(...loop.map((l) => l.max)), 1),
      sendsPerSecond: round((inLoad / (loadEndedAt - loadStartedAt)) * 1000, 0),
      fireLateMs: round(fireLateMs, 1),
      outbox: countByState(outbox),
      metricsExpired: metrics === undefined ? null : counterTotal(metrics, 'signalcast_deliveries_expired_total'),
      metricsSuperseded: metrics === undefined ? null : counterTotal(metrics, 'signalcast_deliveries_superseded_total'),
      newestEstimate: (newest?.body.estimates as RateRun['newestEstimate'] | undefined) ?? null,
      planningInProgress: ok.filter((a) => a.body.planning === 'in_progress').length,
      watchedMs: o.watchMs,
    };
  } finally {
    outbox.$client.close();
    await bench.stop();
    database.remove();
  }
}

const shown = (ms: number | null, watchMs: number) => (ms === null ? `> ${watchMs / 1000} s (none seen)` : `${Math.round(ms * 10) / 10} ms`);

function figuresOf(r: RateRun): Figure[] {
  const target = r.rate <= 5 ? 50 : 100;
  const p50 = censored(r.firstSendMs, 50);
  const p99 = censored(r.firstSendMs, 99);
  return [
    { name: `${r.rate}/s: POST to 202, p50`, value: r.acceptedMs.p50, unit: 'ms' },
    { name: `${r.rate}/s: POST to 202, p99`, value: r.acceptedMs.p99, unit: 'ms', target: `< ${target} ms`, ok: r.acceptedMs.p99 < target },
    { name: `${r.rate}/s: POST to 202, max`, value: r.acceptedMs.max, unit: 'ms' },
    { name: `${r.rate}/s: 202 to first send, p50 / p99`, value: `${shown(p50, r.watchedMs)} / ${shown(p99, r.watchedMs)}` },
    { name: `${r.rate}/s: newest alert, 202 to first send`, value: shown(r.newestMs, r.watchedMs), target: '< 1000 ms', ok: r.newestMs !== null && r.newestMs < 1000 },
    ...(r.newestEstimate ? [{ name: `${r.rate}/s: newest alert, the 202's estimate to reach all`, value: Object.entries(r.newestEstimate).map(([p, e]) => `${p} ${e.seconds} s for ${e.candidates}`).join(', ') }] : []),
    { name: `${r.rate}/s: first send within 15 s`, value: `${r.within15s} of ${r.accepted}` },
    { name: `${r.rate}/s: event-loop delay p99 / max`, value: `${r.loopP99Ms} / ${r.loopMaxMs}`, unit: 'ms' },
    { name: `${r.rate}/s: sends/s during the load`, value: r.sendsPerSecond, unit: 'msg/s' },
    { name: `${r.rate}/s: expired / superseded (outbox)`, value: `${r.outbox.expired ?? 0} / ${r.outbox.superseded ?? 0}` },
    { name: `${r.rate}/s: expired / superseded (/metrics counters)`, value: `${r.metricsExpired ?? 'n/a'} / ${r.metricsSuperseded ?? 'n/a'}` },
    { name: `${r.rate}/s: publishes answered 202`, value: `${r.accepted} of ${r.publishes}`, target: 'all', ok: r.accepted === r.publishes },
  ];
}

/** Each rate on a fresh service and database; publishes fired at instants fixed in advance, whatever the answers. */
export async function runLoad(options: Partial<LoadOptions> = {}): Promise<ScenarioResult> {
  const o = { ...LOAD_DEFAULTS, ...options };
  const runs: RateRun[] = [];
  for (const rate of o.rates) runs.push(await runRate(o, rate));
  return {
    scenario: 'load',
    title: `Load: open-loop publishes to ${o.subscribers.toLocaleString('en-US')} paid Telegram DM subscribers`,
    setup: `${serviceLabel(o.entry)}; Telegram emulator ${o.ratePerSecond}/1s overall (paid broadcast), 1/1s per chat; RATIONALES=off; `
      + `${o.rates.join(' then ')} publishes/s for ${o.seconds} s each on a fresh service and database, each POST fired at its due instant; `
      + `first sends watched until ${o.watchMs / 1000} s after the last 202`,
    figures: runs.flatMap(figuresOf),
    data: {
      subscribers: o.subscribers, seconds: o.seconds, watchMs: o.watchMs, ratePerSecond: o.ratePerSecond,
      rates: Object.fromEntries(runs.map((r) => [String(r.rate), {
        ...r,
        firstSendP50Ms: censored(r.firstSendMs, 50), firstSendP99Ms: censored(r.firstSendMs, 99),
        expired: r.outbox.expired ?? 0, superseded: r.outbox.superseded ?? 0,
      }])),
    },
    notes: [
      '202 to first send: from the complete 202 to the Telegram emulator accepting the first message that names the signal; "none seen" means not within the watch (counted as longer than any seen for p50 / p99)',
      'event-loop delay: signalcast_event_loop_delay_p99/max_seconds (a 10 ms heartbeat on the real clock, server/event-loop-delay.ts) scraped every second (each scrape starts a new window); p99 shown is the highest 1-s p99',
      'expired / superseded: the rows in those states in the outbox at the end, and signalcast_deliveries_expired_total / _superseded_total from /metrics (the service\'s own count); the load publishes no stop or close, so superseded stays 0 unless another part supersedes',
      `sends/s during the load: emulator arrivals from the first due instant to the last 202, over that window; bench's latest fire after a due instant: ${runs.map((r) => `${r.rate}/s ${r.fireLateMs} ms`).join(', ')}`,
    ],
  };
}
