// Latency benchmark with 10,000 subscribers: POST /v1/signals to 202, and to the first send the platform receives.
import { startTestchat } from '../sandbox/testchat/server';
import type { ScenarioResult } from './report';
import { serviceLabel, startBenchService } from './bench-service';
import { countByState, openOutbox, percentile, publish, round, seedDatabase, signalBody, tempDatabase, testchatEnv, until } from './support';

export interface LatencyOptions {
  /** Extra node flags for the service process (e.g. --cpu-prof). */
  nodeArgs?: string[] | undefined;
  /** Runs a compiled build (node <entry> start) instead of tsx main.ts. */
  entry?: string[] | undefined;
  subscribers: number;
  /** Measured publishes. */
  samples: number;
  /** Publishes before measuring (JIT, statement caches, connections). */
  warmup: number;
  timeoutMs: number;
}

export const LATENCY_DEFAULTS: LatencyOptions = { subscribers: 10_000, samples: 200, warmup: 5, timeoutMs: 150_000 };

export const stats = (values: readonly number[]) => ({
  p50: round(percentile(values, 50), 1),
  p99: round(percentile(values, 99), 1),
  max: round(Math.max(...values), 1),
  mean: round(values.reduce((a, b) => a + b, 0) / values.length, 1),
});

/**
 * The service runs as a child process (`main.ts start`: real HTTP server,
 * stores and dispatcher); the test platform runs here. Publishes go one at a
 * time. Each fans out to every subscriber; once its first send has arrived,
 * the rest of it is marked skipped in the outbox (from this process), so that
 * every publish meets an empty queue instead of the backlog of the previous one.
 */
export async function runLatency(options: Partial<LatencyOptions> = {}): Promise<ScenarioResult> {
  const o = { ...LATENCY_DEFAULTS, ...options };
  const { url, token, emulator } = await startTestchat({
    limits: { overall: { limit: 1000, windowMs: 1000 }, perChat: { limit: 1, windowMs: 1000 } },
  });
  const database = tempDatabase('latency');
  seedDatabase(database.url, o.subscribers);
  const bench = await startBenchService({
    databaseUrl: database.url,
    nodeArgs: o.nodeArgs,
    entry: o.entry,
    env: {
      INGEST_RATE_PER_MINUTE: '1000000',
      ...testchatEnv(url, token),
    },
  });
  const service = bench.service;
  const outbox = openOutbox(database.url);
  const drain = outbox.$client.prepare(`UPDATE deliveries SET state = 'skipped', skip_reason = 'bench_drained', updated_at = ?
    WHERE content_type = 'signal' AND content_ref = (SELECT ref FROM signals WHERE id = ?) AND state = 'pending'`);
  const accepted: number[] = [];
  const firstSend: number[] = [];
  const planned = new Set<number>();
  let timedOut = false;
  try {
    const deadline = Date.now() + o.timeoutMs;
    for (let i = 0; i < o.warmup + o.samples; i++) {
      if (Date.now() > deadline) {
        timedOut = true;
        break;
      }
      const from = emulator.messages.length;
      const answer = await publish(service.url, signalBody(`bench-latency-${i}`, `LAT${i}`));
      if (answer.status !== 202 || !answer.body.id) throw new Error(`publish answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      const tag = `#${answer.body.id}`;
      let arrivedAt: number | undefined;
      const arrived = await until(() => {
        for (let k = from; k < emulator.messages.length; k++) {
          const m = emulator.messages[k];
          if (m?.text.endsWith(tag)) {
            arrivedAt = m.at;
            return true;
          }
        }
        return false;
      }, deadline, 2);
      drain.run(Date.now(), answer.body.id);
      await until(() => !countByState(outbox, answer.body.id).sending, deadline, 2);
      if (!arrived || arrivedAt === undefined) {
        timedOut = true;
        break;
      }
      if (i < o.warmup) continue;
      accepted.push(answer.ms);
      firstSend.push(arrivedAt - answer.sentAt);
      planned.add(answer.body.planned ?? -1);
    }
    const a = stats(accepted);
    const f = stats(firstSend);
    const gap = stats(firstSend.map((f, i) => f - (accepted[i] ?? NaN)));
    const median = (values: number[]) => round(percentile(values, 50), 1);
    const early = median(accepted.slice(0, 20));
    const late = median(accepted.slice(-20));
    return {
      scenario: 'latency',
      title: `Latency with ${o.subscribers.toLocaleString('en-US')} subscribers`,
      setup: `real HTTP server: ${serviceLabel(o.entry)}; testchat emulator in the bench process (1000/1s, 1/1s per chat); `
        + `${accepted.length} publishes one at a time after ${o.warmup} unmeasured, each planned for every subscriber; signed requests over keep-alive fetch`,
      figures: [
        { name: 'POST to 202, p50', value: a.p50, unit: 'ms' },
        { name: 'POST to 202, p99', value: a.p99, unit: 'ms', target: '< 50 ms', ok: a.p99 < 50 },
        { name: 'POST to 202, max', value: a.max, unit: 'ms' },
        { name: 'POST to 202, median of first / last 20', value: `${early} / ${late}`, unit: 'ms' },
        { name: 'POST to first send, p50', value: f.p50, unit: 'ms' },
        { name: 'POST to first send, p99', value: f.p99, unit: 'ms', target: '< 100 ms', ok: f.p99 < 100 },
        { name: 'POST to first send, max', value: f.max, unit: 'ms' },
        { name: '202 to first send, p50 / p99', value: `${gap.p50} / ${gap.p99}`, unit: 'ms' },
        { name: 'deliveries planned per publish', value: [...planned].join(', ') },
        { name: 'samples', value: accepted.length, target: String(o.samples), ok: accepted.length === o.samples && !timedOut },
      ],
      data: {
        subscribers: o.subscribers, samples: accepted.length, warmup: o.warmup, timedOut, server: o.entry ? `node ${o.entry.join(' ')} start` : 'tsx main.ts start (child process)',
        acceptedMs: a, firstSendMs: f, answerToFirstSendMs: gap, acceptedMedianFirst20Ms: early, acceptedMedianLast20Ms: late, plannedPerPublish: [...planned],
      },
      notes: [
        'first-send times come from the emulator\'s arrival stamp and the client\'s send time, both in this process (ms resolution)',
        'each publish adds 10,000 rows to the outbox: a 202 time that grows from the first publishes to the last comes from that history',
      ],
    };
  } finally {
    outbox.$client.close();
    await bench.stop();
    await emulator.stop();
    database.remove();
  }
}
