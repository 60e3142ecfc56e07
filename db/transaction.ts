// The publishing transaction on SQLite: one immediate transaction, with passing faults turned into DatabaseUnavailableError.
import type Database from 'better-sqlite3';
import type { Transaction } from '../core/publishing/ports';
import { BusyGate } from './faults';

/**
 * Runs a function in one BEGIN IMMEDIATE transaction (the write lock is taken first, so the reads
 * inside see what the writes will commit on). A busy, full or unwritable database throws
 * DatabaseUnavailableError and fails fast for a while after a busy fault (BusyGate).
 */
export class SqliteTransaction implements Transaction {
  private readonly gate: BusyGate;

  constructor(private readonly sqlite: Database.Database, now: () => number) {
    this.gate = new BusyGate(sqlite, now);
  }

  run<T>(fn: () => T): T {
    return this.gate.run(() => this.sqlite.transaction(fn).immediate());
  }
}
