// The publishing transaction on SQLite: one immediate transaction, with passing faults turned into DatabaseUnavailableError.
import type Database from 'better-sqlite3';
import type { Transaction, TransactionOptions } from '../core/publishing/ports';
import { BusyGate } from './faults';

/**
 * Runs a function in one BEGIN IMMEDIATE transaction (the write lock is taken first, so the reads
 * inside see what the writes will commit on). A busy, full or unwritable database throws
 * DatabaseUnavailableError and fails fast for a while after a busy fault (BusyGate).
 *
 * A replayable transaction commits with synchronous = NORMAL: in WAL mode the commit is written to
 * the log but not flushed to the disk (a flush per planning chunk, 150 of them across a
 * 300,000-subscriber planning, each waiting on the disk on the event loop), so it survives a killed
 * process and is made durable by the next full commit or checkpoint; a power cut may lose it, and
 * what it wrote is redone.
 */
export class SqliteTransaction implements Transaction {
  private readonly gate: BusyGate;

  constructor(private readonly sqlite: Database.Database, now: () => number) {
    this.gate = new BusyGate(sqlite, now);
  }

  run<T>(fn: () => T, options: TransactionOptions = {}): T {
    if (!options.replayable) return this.gate.run(() => this.sqlite.transaction(fn).immediate());
    const before = this.sqlite.pragma('synchronous', { simple: true }) as number;
    this.sqlite.pragma('synchronous = NORMAL');
    try {
      return this.gate.run(() => this.sqlite.transaction(fn).immediate());
    } finally {
      this.sqlite.pragma(`synchronous = ${before}`);
    }
  }
}
