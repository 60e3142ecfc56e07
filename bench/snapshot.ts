// Snapshot benchmark: 10,000 destinations across Telegram, Discord and Slack; the time to render the snapshot once (compose + chart), to plan it for all, and no duplicate after a crash mid-way.
import { performance } from 'node:perf_hooks';
import { FakeClock } from '../core/clock';
import { silentLogger } from '../core/logger';
import { DEFAULT_PLANS } from '../core/plans';
import { dayOf } from '../core/snapshot/day';
import { previewSnapshot, runSnapshot, type SnapshotServiceDeps } from '../core/snapshot/service';
import { drawChart } from '../content/chart/png';
import { openDatabase, type Db } from '../db/client';
import { SqliteCandidateSource } from '../db/stores/candidate-source';
import { SqliteSignalService } from '../db/stores/signal-service';
import { SqliteSnapshotStore } from '../db/stores/snapshot-store';
import { SqliteTrackRecord } from '../db/stores/track-record-store';
import { seedChannel, seedSubscribers } from '../db/testing/seed';
import type { ScenarioResult } from './report';
import { tempDatabase } from './support';

const DAY_MS = 86_400_000;
const TZ = 'UTC';

export interface SnapshotBenchOptions {
  telegram: number;
  discord: number;
  slack: number;
  /** Signals published over the last 30 days (for the track record and the chart). */
  signals: number;
}

export const SNAPSHOT_DEFAULTS: SnapshotBenchOptions = { telegram: 4_000, discord: 3_000, slack: 3_000, signals: 120 };
const TARGETS = { renderMs: 1_000, planMs: 3_000 };

/** Signals over the last 30 days, most closed with a result, published before any destination exists (so they plan nothing). */
async function publishHistory(db: Db, count: number, now: number): Promise<void> {
  const clock = new FakeClock(now - 30 * DAY_MS);
  const signals = new SqliteSignalService({ db, clock, plans: DEFAULT_PLANS, bands: { aMin: 0.8, bMin: 0.6 } });
  const step = (30 * DAY_MS) / count;
  for (let i = 0; i < count; i++) {
    clock.set(now - 30 * DAY_MS + i * step);
    const { signal } = await signals.publish({ publisherId: `bench-snap-${i}`, symbol: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'][i % 3], market: 'crypto', side: i % 4 === 0 ? 'short' : 'long', conviction: 0.55 + (i % 5) * 0.1, reasons: ['Bench'], entry: 100 }, { publishedBy: 'bench' });
    if (i % 6 !== 0) {
      clock.set(now - 30 * DAY_MS + i * step + step / 2);
      await signals.addUpdate(signal.id, { kind: i % 3 === 0 ? 'stopped' : 'closed', resultPct: ((i * 37) % 11) - 4, publisherUpdateId: `bench-snap-u-${i}` });
    }
  }
}

function seedDestinations(db: Db, o: SnapshotBenchOptions, now: number): void {
  seedSubscribers(db, { count: o.telegram, planId: 'pro', platform: 'telegram', now });
  seedSubscribers(db, { count: o.discord, planId: 'vip', platform: 'discord', now });
  db.$client.transaction(() => {
    for (let i = 0; i < o.slack; i++) {
      seedChannel(db, { recipient: { platform: 'slack', tenant: `T${Math.floor(i / 2)}`, chatId: `C${i}` }, planId: 'vip', now });
    }
  }).immediate();
}

function serviceOn(db: Db, now: number, store: Partial<ConstructorParameters<typeof SqliteSnapshotStore>[0]> = {}): SnapshotServiceDeps {
  const candidates = new SqliteCandidateSource(db.$client, { now: () => now, maxCached: 0 });
  return {
    store: new SqliteSnapshotStore({ db, candidates, plans: DEFAULT_PLANS, ...store }),
    track: new SqliteTrackRecord({ db }),
    timeZone: TZ,
    disclaimer: 'Not financial advice.',
    drawChart: (data, heading) => drawChart(data, heading, silentLogger),
    poke: () => {},
    clock: new FakeClock(now),
    logger: silentLogger,
  };
}

/** Destinations with more than one row of the snapshot, and destinations with one. */
function rowCounts(db: Db, ref: number): { duplicates: number; destinations: number } {
  const row = db.$client.prepare(`SELECT SUM(n > 1) AS duplicates, COUNT(*) AS destinations FROM
    (SELECT destination_ref, COUNT(*) AS n FROM deliveries WHERE content_type = 'snapshot' AND content_ref = ? AND kind = 'snapshot' GROUP BY destination_ref)`).get(ref) as { duplicates: number | null; destinations: number };
  return { duplicates: row.duplicates ?? 0, destinations: row.destinations };
}

export async function runSnapshotBench(options: Partial<SnapshotBenchOptions> = {}): Promise<ScenarioResult> {
  const o = { ...SNAPSHOT_DEFAULTS, ...options };
  const total = o.telegram + o.discord + o.slack;
  const database = tempDatabase('snapshot');
  const now = Date.now();
  let db = openDatabase(database.url);
  try {
    await publishHistory(db, o.signals, now);
    seedDestinations(db, o, now);
    const today = dayOf(now, TZ);

    // Render once: read the track record, compose the text, draw the chart.
    let started = performance.now();
    const preview = previewSnapshot(serviceOn(db, now), { day: today, now });
    const renderMs = performance.now() - started;

    // Plan all, then run again: nothing new.
    started = performance.now();
    const first = await runSnapshot(serviceOn(db, now), { day: today, now });
    const planMs = performance.now() - started;
    const again = await runSnapshot(serviceOn(db, now), { day: today, now });

    // The next day: a run that "crashes" after half its rows, then a fresh store on the same file.
    const tomorrow = dayOf(now + DAY_MS, TZ);
    const half = Math.ceil(total / 2);
    const crashing = serviceOn(db, now + DAY_MS, { chunkSize: Math.ceil(half / 2), onChunk: (written) => {
      if (written >= half) throw new Error('crash');
    } });
    let crashed = false;
    try {
      await runSnapshot(crashing, { day: tomorrow, now: now + DAY_MS });
    } catch {
      crashed = true;
    }
    db.$client.close();
    db = openDatabase(database.url);
    const resumed = await runSnapshot(serviceOn(db, now + DAY_MS), { day: tomorrow, now: now + DAY_MS });
    const afterCrash = rowCounts(db, resumed.ref);
    const todayRows = rowCounts(db, first.ref);
    const duplicates = afterCrash.duplicates + todayRows.duplicates;

    return {
      scenario: 'snapshot',
      title: `Daily snapshot to ${total.toLocaleString('en-US')} destinations`,
      setup: `in process on one SQLite file: ${o.telegram} Telegram DMs, ${o.discord} Discord DMs, ${o.slack} Slack channels; ${o.signals} signals over 30 days; chart 1200x675 via resvg`,
      figures: [
        { name: 'render once (compose + chart)', value: Math.round(renderMs), unit: 'ms', target: `< ${TARGETS.renderMs} ms`, ok: renderMs < TARGETS.renderMs },
        { name: 'chart drawn', value: preview.snapshot.chart ? 'yes' : 'no', target: 'yes', ok: preview.snapshot.chart !== null },
        { name: `plan all ${total}`, value: Math.round(planMs), unit: 'ms', target: `< ${TARGETS.planMs} ms`, ok: planMs < TARGETS.planMs },
        { name: 'planned', value: first.planned, target: `= ${total}`, ok: first.planned === total },
        { name: 'second run planned', value: again.planned, target: '= 0', ok: again.planned === 0 },
        { name: 'crash mid-way, then rows planned', value: `${resumed.alreadyPlanned} + ${resumed.planned}`, target: `sum = ${total}`, ok: crashed && resumed.alreadyPlanned + resumed.planned === total },
        { name: 'destinations with one row (after crash)', value: afterCrash.destinations, target: `= ${total}`, ok: afterCrash.destinations === total },
        { name: 'duplicates', value: duplicates, target: '= 0', ok: duplicates === 0 },
      ],
      data: {
        destinations: total, renderMs: Math.round(renderMs), planMs: Math.round(planMs), planned: first.planned, secondRunPlanned: again.planned,
        crashed, plannedBeforeCrash: resumed.alreadyPlanned, plannedAfterRestart: resumed.planned, rowsAfterCrash: afterCrash.destinations, duplicates,
        pngBytes: preview.snapshot.chart?.png.length ?? 0,
      },
    };
  } finally {
    db.$client.close();
    database.remove();
  }
}
