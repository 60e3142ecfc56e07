// Counts the outbox by platform and state on a worker thread's own connection, so that a scrape of /metrics never holds the event loop.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { QueueCount } from '../core/delivery/ports';
import type { Logger } from '../core/logger';

/**
 * Every delivery is read: with a backlog of millions this takes seconds, which on the service's own
 * thread would stall every send and every webhook for as long, at every scrape.
 */
export const QUEUE_DEPTH_SQL = `SELECT platform, state, count(*) AS count FROM deliveries GROUP BY platform, state`;

// CommonJS, run with eval: a worker needs no loader for it. A read-only connection in WAL mode reads
// a committed snapshot beside the service's writer and never blocks it.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { readonly: true, fileMustExist: true });
// A count reads the outbox once through; pages kept between counts are memory and little else (the driver's default keeps 16 MB).
db.pragma('cache_size = -1024');
const count = db.prepare(workerData.sql);
parentPort.on('message', (message) => {
  if (message === 'stop') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    parentPort.postMessage({ rows: count.all() });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message) });
  }
});
`;

export interface QueueDepthReaderOptions {
  /** The database file (not ':memory:'). */
  path: string;
  logger: Logger;
  /** A count younger than this is answered again instead of counting anew. Default 5 s. */
  maxAgeMs?: number;
  /** How long a count may take before the last one is answered. Default 10 s. */
  timeoutMs?: number;
}

export interface QueueDepthReader {
  /** The latest count (counted again when older than maxAgeMs); the previous one, or none, while a count is slow or failed. */
  read(): Promise<QueueCount[]>;
  stop(): Promise<void>;
}

/** Starts the worker; a failed or slow count is logged and answered with the last good one. */
export function startQueueDepthReader(options: QueueDepthReaderOptions): QueueDepthReader {
  const { logger } = options;
  const maxAgeMs = options.maxAgeMs ?? 5_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path: options.path, sql: QUEUE_DEPTH_SQL } });
  worker.unref();
  let last: { rows: QueueCount[]; at: number } | undefined;
  let pending: Promise<QueueCount[]> | undefined;
  let waiting: ((answer: { rows?: QueueCount[]; error?: string }) => void) | undefined;
  let alive = true;
  worker.on('message', (answer: { rows?: QueueCount[]; error?: string }) => waiting?.(answer));
  worker.on('error', (err) => logger.error({ err }, 'the queue depth worker failed; /metrics shows the last count'));
  worker.once('exit', () => {
    alive = false;
    waiting?.({ error: 'the worker stopped' });
  });

  const count = (): Promise<QueueCount[]> => new Promise((resolve) => {
    const timer = setTimeout(() => done({ error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    const done = (answer: { rows?: QueueCount[]; error?: string }) => {
      clearTimeout(timer);
      waiting = undefined;
      if (answer.rows) last = { rows: answer.rows, at: Date.now() };
      else logger.warn({ error: answer.error }, 'counting the outbox for /metrics failed; the last count is shown');
      resolve(last?.rows ?? []);
    };
    waiting = done;
    worker.postMessage('count');
  });

  return {
    read() {
      if (last && Date.now() - last.at < maxAgeMs) return Promise.resolve(last.rows);
      if (!alive) return Promise.resolve(last?.rows ?? []);
      pending ??= count().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    async stop() {
      if (!alive) return;
      // Unref'd, the worker would leave nothing keeping the event loop alive while its exit is awaited: Node would end
      // the process (exit code 13, an unsettled top-level await) before the service says it stopped.
      worker.ref();
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('stop');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 2_000)))]);
      clearTimeout(timer);
      if (alive) await worker.terminate();
    },
  };
}
