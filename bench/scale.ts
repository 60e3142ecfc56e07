// Scale benchmark: one signal planned for 10,000, 100,000 and 300,000 subscribers, each on a fresh service process:
// POST to 202, time to plan all, µs per subscriber, the event loop's worst stall, peak RSS.
import { performance } from 'node:perf_hooks';
import { startTestchat } from '../sandbox/testchat/server';
import type { Figure, ScenarioResult } from './report';
import { serviceLabel, startBenchService } from './bench-service';
import { openOutbox, publishAccepted, round, scrapeLoop, seedDatabase, signalBody, tempDatabase, testchatEnv, until } from './support';

export interface ScaleOptions {
  /** Extra node flags for the service process (e.g. --cpu-prof). */
  nodeArgs?: string[] | undefined;
  /** Runs a compiled build (node <entry> start) instead of tsx main.ts. */
  entry?: string[] | undefined;
  /** Subscriber counts, each on a fresh database and service. */
  sizes: number[];
  /** How long to let the dispatcher send once planning is done, before reading peak memory. */
  sendForMs: number;
  /** Give up waiting for planning after this long. */
  planTimeoutMs: number;
}

export const SCALE_DEFAULTS: ScaleOptions = { sizes: [10_000, 100_000, 300_000], sendForMs: 2_000, planTimeoutMs: 120_000 };

const TARGETS = { planAllMs: 2_000, stallMs: 50, usRatio: 1.5, peakMiB: 200 };

const mib = (bytes: number | undefined) => (bytes === undefined ? null : round(bytes / 2 ** 20, 0));

/** One size's run, raw. */
interface SizeRun {
  subscribers: number;
  acceptMs: number;
  /** From just before the POST until the outbox holds every delivery and no planning job is left planning. */
  planAllMs: number | null;
  /** Alert deliveries of the signal in the outbox when planning was done (or given up on). */
  planned: number;
  usPerSubscriber: number | null;
  /** The 202's own fields where the service gives them (planning, candidates, estimates). */
  answer: Record<string, unknown>;
  loopMaxMs: number | null;
  loopP99Ms: number | null;
  rssStartMiB: number | null;
  peakRssMiB: number | null;
  seedMs: number;
  /** From listening to the start's full access reconcile logged done (the publish waits for it). */
  startReconcileMs: number | null;
  /** The background build of the kept candidates at start, as the service logged it (the publish waits for it). */
  candidatesReadyMs: number | null;
}

/** Whether the signal's planning is over: its planning job is done (or it never had one: planned inside the publish). */
function planningDone(outbox: ReturnType<typeof openOutbox>, signalId: string): boolean {
  const job = outbox.$client.prepare(`SELECT state FROM planning_jobs WHERE signal_ref = (SELECT ref FROM signals WHERE id = ?)`).get(signalId) as { state: string } | undefined;
  return job === undefined || job.state !== 'planning';
}

function alertRows(outbox: ReturnType<typeof openOutbox>, signalId: string): number {
  return (outbox.$client.prepare(`SELECT count(*) AS n FROM deliveries WHERE content_type = 'signal' AND kind = 'alert'
    AND content_ref = (SELECT ref FROM signals WHERE id = ?)`).get(signalId) as { n: number }).n;
}

async function runSize(o: ScaleOptions, subscribers: number): Promise<SizeRun> {
  const { url, token, emulator } = await startTestchat({
    limits: { overall: { limit: 1000, windowMs: 1000 }, perChat: { limit: 1, windowMs: 1000 } },
  });
  const database = tempDatabase(`scale-${subscribers}`);
  const seedStarted = performance.now();
  seedDatabase(database.url, subscribers);
  const seedMs = performance.now() - seedStarted;
  const bench = await startBenchService({ databaseUrl: database.url, nodeArgs: o.nodeArgs, entry: o.entry, env: testchatEnv(url, token) });
  const { service } = bench;
  const outbox = openOutbox(database.url);
  try {
    // The start's full access reconcile pages through every account in the background; the publish comes once it is
    // done, as on a service that has been up a moment (its time is reported beside).
    const listening = performance.now();
    const reconciled = await service.waitFor((l) => l.msg === 'access reconciled' && l.scope === 'all', o.planTimeoutMs).then(() => true, () => false);
    const startReconcileMs = reconciled ? round(performance.now() - listening, 0) : null;
    // And for the candidates kept in memory, built in the background from start ('planning candidates ready' gives its time).
    const ready = await service.waitFor((l) => l.msg === 'planning candidates ready', o.planTimeoutMs).catch(() => null);
    const candidatesReadyMs = typeof ready?.ms === 'number' ? ready.ms : null;
    const rssStart = mib(service.memory()?.rss);
    await scrapeLoop(service.url); // resets the event-loop histogram: what follows is the publish and its planning
    const started = performance.now();
    const answer = await publishAccepted(service.url, signalBody(`bench-scale-${subscribers}`));
    const id = answer.body.id as string;
    const done = await until(() => planningDone(outbox, id), Date.now() + o.planTimeoutMs, 10);
    const planAllMs = done ? performance.now() - started : null;
    const loop = await scrapeLoop(service.url);
    const planned = alertRows(outbox, id);
    await new Promise((resolve) => setTimeout(resolve, o.sendForMs));
    const { id: _id, ...fields } = answer.body as Record<string, unknown>;
    return {
      subscribers, acceptMs: round(answer.ms, 1), planAllMs: planAllMs === null ? null : round(planAllMs, 0), planned,
      usPerSubscriber: planAllMs === null ? null : round((planAllMs * 1000) / subscribers, 2), answer: fields,
      loopMaxMs: loop ? round(loop.max, 1) : null, loopP99Ms: loop ? round(loop.p99, 1) : null,
      rssStartMiB: rssStart, peakRssMiB: mib(service.memory()?.peakRss), seedMs: round(seedMs, 0), startReconcileMs, candidatesReadyMs,
    };
  } finally {
    outbox.$client.close();
    await bench.stop();
    await emulator.stop();
    database.remove();
  }
}

const k = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));

function figuresOf(r: SizeRun, runs: readonly SizeRun[]): Figure[] {
  const smallest = runs[0] as SizeRun;
  const ratio = r.usPerSubscriber !== null && smallest.usPerSubscriber ? round(r.usPerSubscriber / smallest.usPerSubscriber, 2) : null;
  const judged = r.subscribers >= 300_000;
  const figures: Figure[] = [
    { name: `${k(r.subscribers)}: start's access reconcile (before the publish)`, value: r.startReconcileMs ?? 'not logged', unit: r.startReconcileMs === null ? '' : 'ms' },
    { name: `${k(r.subscribers)}: start's build of the kept candidates`, value: r.candidatesReadyMs ?? 'not logged', unit: r.candidatesReadyMs === null ? '' : 'ms' },
    { name: `${k(r.subscribers)}: POST to 202`, value: r.acceptMs, unit: 'ms' },
    {
      name: `${k(r.subscribers)}: all planned (POST to done)`, value: r.planAllMs ?? `> ${120} s`, unit: r.planAllMs === null ? '' : 'ms',
      ...(judged ? { target: `< ${TARGETS.planAllMs} ms`, ok: r.planAllMs !== null && r.planAllMs < TARGETS.planAllMs } : {}),
    },
    { name: `${k(r.subscribers)}: alert deliveries planned`, value: r.planned, target: `>= ${r.subscribers}`, ok: r.planned >= r.subscribers },
    {
      name: `${k(r.subscribers)}: µs per subscriber planned${r === smallest ? '' : ` (× ${ratio ?? 'n/a'} of ${k(smallest.subscribers)})`}`, value: r.usPerSubscriber, unit: 'µs',
      ...(judged && r !== smallest ? { target: `<= ${TARGETS.usRatio}× ${k(smallest.subscribers)}`, ok: ratio !== null && ratio <= TARGETS.usRatio } : {}),
    },
    {
      name: `${k(r.subscribers)}: event-loop delay p99 / max`, value: `${r.loopP99Ms ?? 'n/a'} / ${r.loopMaxMs ?? 'n/a'}`, unit: 'ms',
      ...(judged ? { target: `max < ${TARGETS.stallMs} ms`, ok: r.loopMaxMs !== null && r.loopMaxMs < TARGETS.stallMs } : {}),
    },
    {
      name: `${k(r.subscribers)}: RSS at start / peak (VmHWM)`, value: `${r.rssStartMiB ?? 'n/a'} / ${r.peakRssMiB ?? 'n/a'}`, unit: 'MiB',
      ...(r.subscribers === 100_000 ? { target: `peak < ${TARGETS.peakMiB} MiB`, ok: r.peakRssMiB !== null && r.peakRssMiB < TARGETS.peakMiB } : {}),
    },
  ];
  return figures;
}

/**
 * Each size on a fresh service process (`main.ts start`, or the compiled build) over a database of
 * that many pro subscribers: one signed publish, then the outbox is polled until the signal's
 * planning is done; the event loop's delay is the service's heartbeat window (started by a scrape
 * just before the POST, read once planning is done); peak RSS is VmHWM after a few seconds of sending.
 */
export async function runScale(options: Partial<ScaleOptions> = {}): Promise<ScenarioResult> {
  const o = { ...SCALE_DEFAULTS, ...options };
  const runs: SizeRun[] = [];
  for (const size of [...o.sizes].sort((a, b) => a - b)) runs.push(await runSize(o, size));
  return {
    scenario: 'scale',
    title: `Scale: planning 1 signal for ${o.sizes.map((n) => n.toLocaleString('en-US')).join(', ')} subscribers`,
    setup: `each size on a fresh ${serviceLabel(o.entry)} and a database seeded with that many pro testchat subscribers; `
      + `one signed POST /v1/signals, the outbox polled every 10 ms until planning is done; then ${o.sendForMs / 1000} s of sending (testchat emulator in the bench process, 1000/1s) before reading peak RSS`,
    figures: runs.flatMap((r) => figuresOf(r, runs)),
    data: { sizes: Object.fromEntries(runs.map((r) => [String(r.subscribers), r])), targets: TARGETS },
    notes: [
      ...runs.filter((r) => r.answer.estimates).map((r) => `${k(r.subscribers)}: the 202 said planning ${String(r.answer.planning)}, ${String(r.answer.candidates)} candidates; `
        + `estimated to reach them all: ${Object.entries(r.answer.estimates as Record<string, { seconds: number }>).map(([p, e]) => `${p} ${e.seconds} s`).join(', ')}`),
      'the publish waits for the start\'s full access reconcile (logged "access reconciled") and the build of the kept candidates (logged "planning candidates ready"), both paging through every subscriber in the background; their times are reported',
      'all planned: from just before the POST until no planning job of the signal is left planning (or, with none, the 202: everything was planned in the publish); its alert rows are counted then',
      'event-loop delay: signalcast_event_loop_delay_p99/max_seconds (a 10 ms heartbeat on the real clock, server/event-loop-delay.ts), its window started by a scrape just before the POST and read once planning is done',
      'peak RSS is the service process\'s VmHWM since it started: loading, the start\'s full access reconcile, the publish and a few seconds of sending',
    ],
  };
}
