// Checkpoints the write-ahead log from a worker thread, so that a publish's commit never pays for copying the log into the database.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { Logger } from '../core/logger';

export interface CheckpointerOptions {
  /** The database file (not ':memory:'). */
  path: string;
  /** The service's own connection: its automatic checkpoints are turned off while the worker runs, and back on if it stops. */
  connection: Database.Database;
  /** How often the worker checkpoints. Default 500 ms. */
  everyMs?: number;
  logger: Logger;
}

export interface Checkpointer {
  /**
   * Checkpoints once more, closes the worker's connection and turns the service's automatic
   * checkpoints back on. The worker keeps the process alive while it finishes (it is unref'd only
   * while running), and is terminated if it has not finished within `timeoutMs` (default 5 s).
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

// CommonJS, run with eval: a worker needs no loader for it. PASSIVE never waits for, nor blocks,
// a reader or the writer; whatever it could not copy now it copies next time.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
// A checkpoint copies pages from the log to the database and reads none back: no cache worth the driver's default 16 MB.
db.pragma('cache_size = -1024');
db.pragma('synchronous = FULL');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message) });
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

/** Starts the worker and turns off the connection's automatic checkpoints; if the worker fails, they come back on. */
export function startCheckpointer(options: CheckpointerOptions): Checkpointer {
  const { connection, logger } = options;
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path: options.path, everyMs: options.everyMs ?? 500 } });
  let stopped = false;
  const restoreAuto = () => {
    if (connection.open) connection.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
  };
  connection.pragma('wal_autocheckpoint = 0');
  worker.on('message', (message: { error?: string }) => {
    if (message.error) logger.warn({ error: message.error }, 'a background checkpoint failed; the next one retries');
  });
  // An error ends the worker: the exit below turns the connection's own checkpoints back on.
  worker.on('error', (err) => logger.error({ err }, 'the checkpoint worker failed'));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => {
    if (!stopped) {
      logger.warn('the checkpoint worker stopped; the service checkpoints on its own connection again');
      restoreAuto();
    }
    resolve();
  }));
  worker.unref();
  return {
    async stop({ timeoutMs = 5_000 } = {}) {
      if (stopped) return;
      stopped = true;
      // Unref'd, the worker would leave nothing keeping the event loop alive while it is awaited:
      // once the server and the bot are closed, Node would end with exit code 13 before "stopped".
      worker.ref();
      worker.postMessage('stop');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), timeoutMs);
      });
      if ((await Promise.race([exited, late])) === 'late') {
        logger.warn({ timeoutMs }, 'the checkpoint worker did not finish in time; it is stopped, and the service checkpoints on its own connection');
        await worker.terminate();
      }
      clearTimeout(timer);
      restoreAuto();
    },
  };
}
