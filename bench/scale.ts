// Scale benchmark: planning one signal for 100,000 subscribers, and the service's memory, in a fresh child process.
import { performance } from 'node:perf_hooks';
import { startTestchat } from '../sandbox/testchat/server';
import type { ScenarioResult } from './report';
import { serviceLabel, startBenchService } from './bench-service';
import { countByState, openOutbox, publishAccepted, round, seedDatabase, signalBody, tempDatabase, testchatEnv } from './support';

export interface ScaleOptions {
  /** Extra node flags for the service process (e.g. --cpu-prof). */
  nodeArgs?: string[] | undefined;
  /** Runs a compiled build (node <entry> start) instead of tsx main.ts. */
  entry?: string[] | undefined;
  subscribers: number;
  /** How long to let the dispatcher send after the publish before reading memory. */
  sendForMs: number;
}

export const SCALE_DEFAULTS: ScaleOptions = { subscribers: 100_000, sendForMs: 3_000 };

const mib = (bytes: number | undefined) => (bytes === undefined ? null : round(bytes / 2 ** 20, 0));

/**
 * A fresh service process (`main.ts start`) on a database of 100,000
 * subscribers; one signed publish plans the signal for all of them in one
 * transaction. The dispatcher then sends to the test platform (in this
 * process) for a few seconds, and the service's RSS is read from /proc:
 * now, and at its peak (VmHWM) since it started.
 */
export async function runScale(options: Partial<ScaleOptions> = {}): Promise<ScenarioResult> {
  const o = { ...SCALE_DEFAULTS, ...options };
  const { url, token, emulator } = await startTestchat({
    limits: { overall: { limit: 1000, windowMs: 1000 }, perChat: { limit: 1, windowMs: 1000 } },
  });
  const database = tempDatabase('scale');
  const seedStarted = performance.now();
  seedDatabase(database.url, o.subscribers);
  const seedMs = performance.now() - seedStarted;
  const bench = await startBenchService({
    databaseUrl: database.url,
    nodeArgs: o.nodeArgs,
    entry: o.entry,
    env: testchatEnv(url, token),
  });
  const service = bench.service;
  const outbox = openOutbox(database.url);
  try {
    const atStart = service.memory();
    const answer = await publishAccepted(service.url, signalBody('bench-scale-1'));
    const afterPublish = service.memory();
    await new Promise((resolve) => setTimeout(resolve, o.sendForMs));
    const afterSending = service.memory();
    const states = countByState(outbox);
    const planned = answer.body.planned ?? 0;
    const peak = mib(afterSending?.peakRss);
    return {
      scenario: 'scale',
      title: `Scale: planning 1 signal for ${o.subscribers.toLocaleString('en-US')} subscribers`,
      setup: `fresh ${serviceLabel(o.entry)} on a database seeded with ${o.subscribers.toLocaleString('en-US')} pro subscribers; `
        + `one signed POST /v1/signals; then ${o.sendForMs / 1000} s of sending to the testchat emulator (in the bench process, 1000/1s)`,
      figures: [
        { name: 'publish (POST to 202, planning in it)', value: round(answer.ms, 0), unit: 'ms', target: '< 2000 ms', ok: answer.ms < 2000 },
        { name: 'deliveries planned', value: planned, target: `>= ${o.subscribers}`, ok: planned >= o.subscribers },
        { name: 'RSS at start', value: mib(atStart?.rss), unit: 'MiB' },
        { name: 'RSS after publish / peak so far', value: `${mib(afterPublish?.rss)} / ${mib(afterPublish?.peakRss)}`, unit: 'MiB' },
        { name: `RSS after ${o.sendForMs / 1000} s of sending`, value: mib(afterSending?.rss), unit: 'MiB' },
        { name: 'peak RSS (VmHWM)', value: peak, unit: 'MiB', target: '< 300 MiB', ok: peak !== null && peak < 300 },
        { name: 'sent meanwhile', value: emulator.stats().accepted },
        { name: 'seeding (bench side, not measured)', value: round(seedMs, 0), unit: 'ms' },
      ],
      data: {
        subscribers: o.subscribers, publishMs: round(answer.ms, 1), planned,
        rssStartMiB: mib(atStart?.rss), rssAfterPublishMiB: mib(afterPublish?.rss), peakRssAfterPublishMiB: mib(afterPublish?.peakRss), rssAfterSendingMiB: mib(afterSending?.rss), peakRssMiB: peak,
        sentMeanwhile: emulator.stats().accepted, outbox: states, seedMs: round(seedMs, 0),
      },
      notes: [
        ...(planned > o.subscribers ? [`${planned - o.subscribers} of the deliveries go to the built-in plans' Telegram channel(s)`] : []),
        'the first publish on an empty outbox: later publishes are slower while the outbox grows (see the latency scenario)',
        'more subscribers than PLANNING_CACHE_SIZE (default 50,000): the publish reads their planning data from the database in batches, with flat memory',
      ],
    };
  } finally {
    outbox.$client.close();
    await bench.stop();
    await emulator.stop();
    database.remove();
  }
}
