// Not a test: measures one planning chunk's time at a population size (npx tsx db/testing/measure-chunks.ts <subscribers> <chunkSize>).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { systemClock } from '../../core/clock';
import { DEFAULT_PLANS } from '../../core/plans/default-plans';
import { publishSignal } from '../../core/publishing/publish-signal';
import { PlanningRunner } from '../../core/publishing/planning-runner';
import { openDatabase } from '../client';
import { sqlitePublishing } from '../stores/signal-service';
import { seedSubscribers } from './seed';

const subscribers = Number(process.argv[2] ?? 10_000);
const chunkSize = Number(process.argv[3] ?? 2_000);
const dir = mkdtempSync(join(tmpdir(), 'sc-measure-'));
const db = openDatabase(`file:${join(dir, 'db.sqlite')}`);
seedSubscribers(db, { count: subscribers, planId: 'pro' });
// As in the service: the checkpointer's worker copies the log, never a commit (db/checkpointer.ts).
db.$client.pragma('wal_checkpoint(TRUNCATE)');
db.$client.pragma('wal_autocheckpoint = 0');
const deps = { ...sqlitePublishing({ db, clock: systemClock, plans: DEFAULT_PLANS, bands: { aMin: 0.8, bMin: 0.6 } }), chunkSize };
deps.candidates.refresh();
const chunks: number[] = [];
/** CPU time per chunk (user + system): what it costs on a core of its own, whatever else the machine runs. */
const cpu: number[] = [];

const runner = new PlanningRunner({ ...deps, yieldNow: () => new Promise((r) => setImmediate(r)) });
const h = monitorEventLoopDelay({ resolution: 1 });
h.enable();
const t0 = performance.now();
const out = publishSignal(deps, { publisherId: 'm-1', symbol: 'BTCUSDT', market: 'crypto', side: 'long', conviction: 0.9, reasons: ['x'] }, { publishedBy: 'cli' });
const publishMs = performance.now() - t0;

while (true) {
  const c0 = performance.now();
  const u0 = process.cpuUsage();
  if (!runner.runChunk()) break;
  chunks.push(performance.now() - c0);
  const u = process.cpuUsage(u0);
  cpu.push((u.user + u.system) / 1000);
  await new Promise((r) => setImmediate(r));
}
const total = performance.now() - t0;
// A second publish, warm (statements prepared, code compiled): what a running service's publish costs before its 202.
const w0 = performance.now();
publishSignal(deps, { publisherId: 'm-2', symbol: 'BTCUSDT', market: 'crypto', side: 'long', conviction: 0.9, reasons: ['x'] }, { publishedBy: 'cli' });
const warmPublishMs = performance.now() - w0;
h.disable();
chunks.sort((a, b) => a - b);
cpu.sort((a, b) => a - b);
const cq = (p: number) => cpu[Math.min(cpu.length - 1, Math.floor(p * cpu.length))]?.toFixed(1);
const q = (p: number) => chunks[Math.min(chunks.length - 1, Math.floor(p * chunks.length))]?.toFixed(1);
console.log(JSON.stringify({
  subscribers, chunkSize, publishMs: publishMs.toFixed(1), warmPublishMs: warmPublishMs.toFixed(1), planning: out.planning, chunks: chunks.length, chunkMsP50: q(0.5), chunkMsP99: q(0.99), chunkMsMax: chunks.at(-1)?.toFixed(1),
  chunkCpuMsP50: cq(0.5), chunkCpuMsMax: cpu.at(-1)?.toFixed(1), cpuUsPerSubscriber: ((cpu.reduce((a, b) => a + b, 0) * 1000) / subscribers).toFixed(2),
  totalMs: total.toFixed(0), usPerSubscriber: ((total * 1000) / subscribers).toFixed(2), loopMaxMs: (h.max / 1e6).toFixed(1), rssMb: (process.memoryUsage().rss / 2 ** 20).toFixed(0),
}));
db.$client.close();
rmSync(dir, { recursive: true, force: true });
