import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { parseSignalInput, parseSignalUpdateInput } from '../../core/signals/validate';
import { openMemoryDatabase } from '../client';
import { SqliteSignalStore } from './signal-store';

const NOON = Date.UTC(2026, 0, 15, 12, 0, 0);
const input = parseSignalInput({ publisherId: 'p-1', symbol: 'BTCUSDT', market: 'crypto', side: 'short', conviction: 0.5, reasons: ['range top'], targets: [90] });

describe('SqliteSignalStore', () => {
  it('stores a checked signal as given and finds it by publisher id and by id', () => {
    const db = openMemoryDatabase();
    const store = new SqliteSignalStore({ db, clock: new FakeClock(NOON) });
    const stored = store.insert({ input, band: 'C', publishedBy: 'cli', createdAt: NOON });
    expect(stored).toMatchObject({ rationaleText: null, ref: expect.any(Number), signal: { publisherId: 'p-1', side: 'short', band: 'C', targets: [90], createdAt: new Date(NOON) } });
    expect(store.findByPublisherId('p-1')).toEqual(stored);
    expect(store.findByPublisherId('p-2')).toBeUndefined();
    expect(store.findId({ publisherId: 'p-1' })).toBe(stored.signal.id);
    expect(store.findId(stored.signal.id)).toBe(stored.signal.id);
    expect(store.get(stored.signal.id)).toEqual(stored.signal);
  });

  it('refuses a second signal with the same publisher id (the schema keeps it unique)', () => {
    const store = new SqliteSignalStore({ db: openMemoryDatabase(), clock: new FakeClock(NOON) });
    store.insert({ input, band: 'C', publishedBy: 'cli', createdAt: NOON });
    expect(() => store.insert({ input, band: 'C', publishedBy: 'cli', createdAt: NOON })).toThrow(/UNIQUE/);
  });

  it('stores an update and finds it by its publisher update id', () => {
    const store = new SqliteSignalStore({ db: openMemoryDatabase(), clock: new FakeClock(NOON) });
    const { signal } = store.insert({ input, band: 'C', publishedBy: 'cli', createdAt: NOON });
    const update = store.insertUpdate({ signalId: signal.id, update: parseSignalUpdateInput({ kind: 'target_hit', targetIndex: 1, publisherUpdateId: 'u-1' }), createdAt: NOON });
    expect(store.findUpdate('u-1')).toEqual(update);
    expect(store.listUpdates(signal.id)).toEqual([update]);
    expect(store.findUpdate('u-2')).toBeUndefined();
  });
});
