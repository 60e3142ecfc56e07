// Keys of things done once ("dead-letter-report:2026-12-06", "trial-reminder:sub_1:3d"): the first claim wins, every later one is refused.
import type { Db } from '../client';

export interface OnceKeys {
  /** Records `key`; true the first time, false when it was claimed before (by any run, in any process). */
  claim(key: string, now: number): boolean;
  /** When `key` was claimed; null when it never was. */
  claimedAt(key: string): number | null;
  /** The latest claim of a key starting with `prefix`; null when none. */
  latest(prefix: string): { key: string; at: number } | null;
}

/**
 * Insert-or-ignore in `once_keys`. Call `claim` inside the transaction that does the thing, so the
 * key and the work commit (or roll back) together.
 */
export class SqliteOnceKeys implements OnceKeys {
  constructor(private readonly deps: { db: Db }) {}

  claim(key: string, now: number): boolean {
    return this.deps.db.$client.prepare('INSERT INTO once_keys (key, created_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(key, now).changes === 1;
  }

  claimedAt(key: string): number | null {
    const row = this.deps.db.$client.prepare('SELECT created_at AS at FROM once_keys WHERE key = ?').get(key) as { at: number } | undefined;
    return row?.at ?? null;
  }

  latest(prefix: string): { key: string; at: number } | null {
    const row = this.deps.db.$client.prepare(`SELECT key, created_at AS at FROM once_keys WHERE key >= ? AND key < ? ORDER BY created_at DESC, key DESC LIMIT 1`)
      .get(prefix, `${prefix}\uffff`) as { key: string; at: number } | undefined;
    return row ?? null;
  }
}
