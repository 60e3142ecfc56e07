// Not a test: bytes retained per kept candidate, and the background build's pages (node --expose-gc --import tsx db/testing/measure-cache-memory.ts <subscribers>).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openDatabase } from '../client';
import { CandidateCache } from '../stores/candidate-cache';
import { seedSubscribers } from './seed';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const subscribers = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'sc-memory-'));
const db = openDatabase(`file:${join(dir, 'db.sqlite')}`);
seedSubscribers(db, { count: subscribers, planId: 'pro' });

/** JS heap plus typed arrays' and buffers' backing stores (outside the heap), after a full collection. */
function retained(): { heap: number; buffers: number } {
  for (let i = 0; i < 3; i++) gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers };
}

// Synchronous build (as tools and tests have it).
const before = retained();
const cache = new CandidateCache(db.$client);
const t0 = performance.now();
cache.refresh();
const syncBuildMs = performance.now() - t0;
const after = retained();
const bytes = (after.heap - before.heap + after.buffers - before.buffers) / subscribers;

// The background build: pages with a yield between them; the longest event-loop delay meanwhile.
/** Milliseconds from one yield to the next: one page (or the last page with the patch and the swap). */
const pages: number[] = [];
let resumed = 0;
const yieldNow = () => new Promise<void>((r) => {
  if (resumed > 0) pages.push(performance.now() - resumed);
  setImmediate(() => {
    resumed = performance.now();
    r();
  });
});
const bg = new CandidateCache(db.$client, { background: { yieldNow } });
const h = monitorEventLoopDelay({ resolution: 1 });
h.enable();
const b0 = performance.now();
bg.refresh();
const refreshMs = performance.now() - b0;
await bg.ready();
const backgroundBuildMs = performance.now() - b0;
h.disable();
pages.push(performance.now() - resumed);
pages.sort((a, b) => a - b);

console.log(JSON.stringify({
  subscribers, kept: cache.size, syncBuildMs: syncBuildMs.toFixed(0), bytesPerCandidate: bytes.toFixed(0),
  heapBytesPerCandidate: ((after.heap - before.heap) / subscribers).toFixed(0), bufferBytesPerCandidate: ((after.buffers - before.buffers) / subscribers).toFixed(0),
  backgroundRefreshMs: refreshMs.toFixed(1), backgroundBuildMs: backgroundBuildMs.toFixed(0), backgroundKept: bg.size, pages: pages.length, pageMsP50: pages[pages.length >> 1]?.toFixed(1), pageMsMax: pages.at(-1)?.toFixed(1), loopMaxMs: (h.max / 1e6).toFixed(1),
  rssMb: (process.memoryUsage().rss / 2 ** 20).toFixed(0),
}));
bg.close();
db.$client.close();
rmSync(dir, { recursive: true, force: true });
