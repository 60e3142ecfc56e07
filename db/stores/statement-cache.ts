// Prepared statements kept by name on one better-sqlite3 handle: the outbox's hot paths (planning's inserts, claims, results) run hundreds of times a second.
import type Database from 'better-sqlite3';

export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly sqlite: Database.Database) {}

  /** The statement prepared from `source` the first time `key` was asked for (a function: the source is built only then). */
  get(key: string, source: string | (() => string)): Database.Statement {
    let s = this.statements.get(key);
    if (!s) {
      s = this.sqlite.prepare(typeof source === 'string' ? source : source());
      this.statements.set(key, s);
    }
    return s;
  }
}
