// runSnapshot over the real SQLite store: keeps the day once, reuses it unchanged, plans once, pokes only when something was planned.
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../clock';
import { DEFAULT_PLANS } from '../plans';
import { recordingLogger } from '../testing/logger';
import { openMemoryDatabase, type Db } from '../../db/client';
import { SqliteCandidateSource } from '../../db/stores/candidate-source';
import { SqliteSnapshotStore } from '../../db/stores/snapshot-store';
import { seedChannel } from '../../db/testing/seed';
import { previewSnapshot, runSnapshot, type SnapshotServiceDeps } from './service';
import { memoryTrack, result } from './track.fixtures';
import type { ChartData } from './types';

const NOW = Date.UTC(2026, 11, 6, 17, 0, 0);
let db: Db;
let pokes: number;
let drawn: ChartData[];

function deps(over: Partial<SnapshotServiceDeps> = {}): SnapshotServiceDeps {
  return {
    store: new SqliteSnapshotStore({ db, candidates: new SqliteCandidateSource(db.$client, { now: () => NOW, maxCached: 0 }), plans: DEFAULT_PLANS }),
    track: memoryTrack([result({ symbol: 'BTCUSDT', publishedAt: NOW - 3_600_000, status: 'closed', resultPct: 2 })]),
    timeZone: 'UTC',
    disclaimer: 'Not financial advice.',
    drawChart: (data) => {
      drawn.push(data);
      return { png: new Uint8Array([137, 80, 78, 71]), width: 1200, height: 675, alt: 'chart' };
    },
    poke: () => void pokes++,
    clock: new FakeClock(NOW),
    logger: recordingLogger(),
    ...over,
  };
}

beforeEach(() => {
  db = openMemoryDatabase();
  pokes = 0;
  drawn = [];
  seedChannel(db, { recipient: { platform: 'telegram', chatId: '-100' }, now: NOW });
  seedChannel(db, { recipient: { platform: 'discord', chatId: '200' }, now: NOW });
});

describe('runSnapshot', () => {
  it('keeps the operator day\'s snapshot, plans it and pokes the dispatcher', async () => {
    const run = await runSnapshot(deps());
    expect(run).toMatchObject({ day: '2026-12-06', created: true, chart: true, planned: 2, alreadyPlanned: 0 });
    expect(pokes).toBe(1);
    expect(drawn).toHaveLength(1);
  });

  it('reuses the kept snapshot unchanged on a second run, and plans and pokes nothing', async () => {
    const first = await runSnapshot(deps());
    const later = deps({ track: memoryTrack([]) });
    const second = await runSnapshot(later, { now: NOW + 60_000 });
    expect(second).toMatchObject({ ref: first.ref, created: false, planned: 0, alreadyPlanned: 2 });
    expect(later.store.find('2026-12-06')?.text).toContain('Signals today: 1');
    expect(pokes).toBe(1);
    // Composed and drawn once.
    expect(drawn).toHaveLength(1);
  });

  it('keeps and plans a snapshot whose chart could not be drawn, as text', async () => {
    const run = await runSnapshot(deps({ drawChart: () => null }));
    expect(run).toMatchObject({ chart: false, planned: 2 });
  });

  it('does not plan again a snapshot kept longer ago than its rows are kept, since "once" could no longer be told', async () => {
    await runSnapshot(deps({ replanWithinMs: 86_400_000 }), { day: '2026-12-06' });
    const late = await runSnapshot(deps({ replanWithinMs: 86_400_000 }), { day: '2026-12-06', now: NOW + 86_400_000 });
    expect(late).toMatchObject({ tooOld: true, planned: 0, alreadyPlanned: 0, created: false });
    const soon = await runSnapshot(deps({ replanWithinMs: 86_400_000 }), { day: '2026-12-06', now: NOW + 86_399_000 });
    expect(soon).toMatchObject({ tooOld: false, planned: 0, alreadyPlanned: 2 });
  });

  it('previews without keeping or planning', () => {
    const { snapshot, kept } = previewSnapshot(deps(), { day: '2026-12-05' });
    expect([snapshot.day, kept]).toEqual(['2026-12-05', false]);
    expect(snapshot.text.startsWith('No signals were published today.')).toBe(true);
    expect(deps().store.find('2026-12-05')).toBeUndefined();
    expect(db.$client.prepare('SELECT COUNT(*) AS n FROM deliveries').get()).toEqual({ n: 0 });
  });
});
