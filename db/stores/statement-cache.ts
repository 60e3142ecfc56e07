// Prepared statements kept by name on one better-sqlite3 handle: the outbox's hot paths run hundreds of times a second.
import type Database from 'better-sqlite3';

export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(readonly sqlite: Database.Database) {}

  /** The statement prepared from `source` the first time `key` was asked for. */
  get(key: string, source: string): Database.Statement {
    let s = this.statements.get(key);
    if (!s) {
      s = this.sqlite.prepare(source);
      this.statements.set(key, s);
    }
    return s;
  }
}
