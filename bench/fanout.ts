// Fan-out benchmark: one signal to 10,000 direct messages through the test platform at 1,000/s with 5% injected 429s.
import { startTestchat, type AcceptedMessage } from '../sandbox/testchat/server';
import type { ScenarioResult } from './report';
import { serviceLabel, startBenchService } from './bench-service';
import { countByState, load1, openOutbox, publishAccepted, round, seedDatabase, sendLatency, signalBody, tempDatabase, testchatEnv, until } from './support';

export interface FanoutOptions {
  /** Extra node flags for the service process (e.g. --cpu-prof). */
  nodeArgs?: string[] | undefined;
  /** Runs a compiled build (node <entry> start) instead of tsx main.ts. */
  entry?: string[] | undefined;
  recipients: number;
  /** Sends per second, overall, on both sides. */
  ratePerSecond: number;
  /** Share of sends answered 429 retry_after 1 s. */
  inject429: number;
  seed: number;
  timeoutMs: number;
}

export const FANOUT_DEFAULTS: FanoutOptions = { recipients: 10_000, ratePerSecond: 1000, inject429: 0.05, seed: 42, timeoutMs: 90_000 };

/** Sends per second between two arrival indexes of the time-ordered messages. */
function rateBetween(sorted: readonly AcceptedMessage[], from: number, to: number): number {
  const a = sorted[from];
  const b = sorted[to];
  if (!a || !b || b.at <= a.at) return NaN;
  return ((to - from) / (b.at - a.at)) * 1000;
}

/**
 * The service runs as a child process (see bench-service.ts), so the engine
 * has a core to itself; the test platform runs here, in the benchmark's process.
 */
export async function runFanout(options: Partial<FanoutOptions> = {}): Promise<ScenarioResult> {
  const o = { ...FANOUT_DEFAULTS, ...options };
  const window = { limit: o.ratePerSecond, windowMs: 1000 };
  const { url, token, emulator } = await startTestchat({
    limits: { overall: window, perChat: { limit: 1, windowMs: 1000 } },
    inject429: { rate: o.inject429, retryAfterSeconds: 1, seed: o.seed },
  });
  const database = tempDatabase('fanout');
  const chatIds = seedDatabase(database.url, o.recipients);
  const bench = await startBenchService({
    databaseUrl: database.url,
    nodeArgs: o.nodeArgs,
    entry: o.entry,
    env: testchatEnv(url, token, o.ratePerSecond),
  });
  const service = bench.service;
  const outbox = openOutbox(database.url);
  try {
    // CPU counted from before the POST: planning included, as a user pays for it.
    const cpuBefore = service.cpuMs();
    const answer = await publishAccepted(service.url, signalBody('bench-fanout-1'));
    const ownCpuBefore = process.cpuUsage();
    const deadline = answer.sentAt + o.timeoutMs;
    const allArrived = await until(() => emulator.stats().accepted - emulator.stats().duplicates >= o.recipients, deadline, 50);
    // The last results are written in batches: wait for the outbox to say so too.
    await until(() => (countByState(outbox).sent ?? 0) >= o.recipients, Math.min(deadline, Date.now() + 5_000), 20);
    const cpuAfter = service.cpuMs();
    const ownCpu = process.cpuUsage(ownCpuBefore);
    const memory = service.memory();
    const latency = sendLatency(await (await fetch(`${service.url}/metrics`)).text(), 'testchat');
    const serviceCpuMs = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : NaN;
    const emulatorCpuMs = (ownCpu.user + ownCpu.system) / 1000;
    const stats = emulator.stats();
    const states = countByState(outbox);

    const sorted = [...emulator.messages].sort((a, b) => a.at - b.at);
    const distinct = new Set(sorted.map((m) => m.chatId));
    const lost = chatIds.filter((id) => !distinct.has(id)).length;
    const first = stats.firstAcceptedAt ?? NaN;
    const last = stats.lastAcceptedAt ?? NaN;
    const spanMs = last - first;
    const rate = (stats.accepted / spanMs) * 1000;
    const middle = rateBetween(sorted, Math.floor(sorted.length * 0.05), Math.floor(sorted.length * 0.95) - 1);
    const windowUse = ((stats.accepted + stats.injected429) / spanMs) * 1000;
    // The platform counts a 429'd send in its window, and a 429 near the end must wait its retry_after:
    // the best possible first-to-last rate is about accepted / (requests needed / rate + 1 s).
    const ceiling = (stats.accepted / ((stats.accepted + stats.injected429) / o.ratePerSecond + 1)) ;
    const pct = (n: number) => round((n / o.ratePerSecond) * 100, 1);

    return {
      scenario: 'fanout',
      title: `Fan-out: 1 signal to ${o.recipients.toLocaleString('en-US')} direct messages`,
      setup: `${serviceLabel(o.entry)} -> testchat emulator in the bench process; both sides ${o.ratePerSecond}/1s overall, 1/1s per chat; `
        + `${o.inject429 * 100}% of sends answered 429 retry_after 1 s (seed ${o.seed})`,
      figures: [
        // Sustained: the steady rate, away from the start-up and from the tail of retries.
        // Shown beside the first-to-last rate, not judged: what a user waits for is the last send.
        { name: 'rate sustained (middle 90% of sends)', value: round(middle, 0), unit: `msg/s (${pct(middle)}%)` },
        { name: 'rate, first to last send', value: round(rate, 0), unit: `msg/s (${pct(rate)}%)`, target: '>= 95% of best possible', ok: rate >= 0.95 * ceiling },
        { name: 'window use (accepted + 429s)', value: round(windowUse, 0), unit: `req/s (${pct(windowUse)}%)` },
        { name: 'best possible first-to-last rate', value: round(ceiling, 0), unit: `msg/s (${pct(ceiling)}%)` },
        { name: 'span first to last send', value: spanMs, unit: 'ms' },
        { name: 'publish to first send', value: first - answer.sentAt, unit: 'ms' },
        { name: 'lost', value: lost, target: '0', ok: lost === 0 && allArrived },
        { name: 'duplicates', value: stats.duplicates, target: '0', ok: stats.duplicates === 0 },
        { name: 'window violations', value: stats.violations - stats.violationsByKind.retry_after, target: '0', ok: stats.violations - stats.violationsByKind.retry_after === 0 },
        { name: 'sends inside a retry_after', value: stats.violationsByKind.retry_after, target: '0', ok: stats.violationsByKind.retry_after === 0 },
        { name: 'injected 429s', value: stats.injected429 },
        { name: 'outbox after', value: JSON.stringify(states) },
        { name: 'service CPU per accepted send (planning included)', value: round(serviceCpuMs / stats.accepted, 3), unit: `ms (${round((serviceCpuMs / spanMs) * 100, 0)}% of a core)` },
        { name: 'send call, mean / share over 25 ms', value: `${latency.meanMs} ms / ${latency.over25msPct}%` },
        { name: 'emulator process CPU', value: round((emulatorCpuMs / spanMs) * 100, 0), unit: '% of a core' },
        { name: 'service peak RSS', value: memory ? round(memory.peakRss / 2 ** 20, 0) : null, unit: 'MiB' },
      ],
      data: {
        recipients: o.recipients, ratePerSecond: o.ratePerSecond, inject429: o.inject429, seed: o.seed,
        allArrived, rate: round(rate, 1), ratePct: pct(rate), middleRate: round(middle, 1), middleRatePct: pct(middle),
        windowUseRate: round(windowUse, 1), ceilingRate: round(ceiling, 1), spanMs, publishToFirstSendMs: first - answer.sentAt, publishMs: round(answer.ms, 2),
        lost, duplicates: stats.duplicates, requests: stats.requests, accepted: stats.accepted, injected429: stats.injected429,
        violations: stats.violations, violationsByKind: stats.violationsByKind, outbox: states,
        sendLatency: latency, serviceCpuMs, serviceCpuPerSendMs: round(serviceCpuMs / stats.accepted, 3), emulatorCpuMs: round(emulatorCpuMs, 0),
        servicePeakRssMiB: memory ? round(memory.peakRss / 2 ** 20, 0) : null, loadDuring: load1(),
      },
      notes: [
        'first-to-last includes the tail: a send answered 429 in the last second waits its full retry_after, and the platform counts 429\'d sends in its window;'
          + ' "best possible" is that ceiling for the 429s this run drew',
      ],
    };
  } finally {
    outbox.$client.close();
    await bench.stop();
    await emulator.stop();
    database.remove();
  }
}
