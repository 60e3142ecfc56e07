// Once keys on real SQLite: the first claim wins, a claim rolled back with its work leaves the key free, and the latest claim of a family is found.
import { describe, expect, it } from 'vitest';
import { openMemoryDatabase } from '../client';
import { SqliteOnceKeys } from './once-keys';

describe('once keys', () => {
  it('lets the first claim of a key win and refuses every later one', () => {
    const db = openMemoryDatabase();
    const keys = new SqliteOnceKeys({ db });
    const other = new SqliteOnceKeys({ db });
    expect(keys.claim('trial-reminder:sub_1:3d', 1_000)).toBe(true);
    expect(other.claim('trial-reminder:sub_1:3d', 2_000)).toBe(false);
    expect(keys.claimedAt('trial-reminder:sub_1:3d')).toBe(1_000);
    expect(keys.claimedAt('trial-reminder:sub_1:1d')).toBeNull();
  });

  it('leaves a key free when the transaction that claimed it rolls back with its work', () => {
    const db = openMemoryDatabase();
    const keys = new SqliteOnceKeys({ db });
    expect(() => db.transaction(() => {
      keys.claim('dead-letter-report:2026-12-06', 1_000);
      throw new Error('the notice could not be written');
    })).toThrow('the notice could not be written');
    expect(keys.claim('dead-letter-report:2026-12-06', 2_000)).toBe(true);
  });

  it('finds the latest claim of a family by its prefix, and none of another family', () => {
    const db = openMemoryDatabase();
    const keys = new SqliteOnceKeys({ db });
    keys.claim('dead-letter-report:2026-12-05', 1_000);
    keys.claim('dead-letter-report:2026-12-06', 2_000);
    keys.claim('dead-letter-reports-other:x', 3_000);
    expect(keys.latest('dead-letter-report:')).toEqual({ key: 'dead-letter-report:2026-12-06', at: 2_000 });
    expect(keys.latest('trial-reminder:')).toBeNull();
  });
});
