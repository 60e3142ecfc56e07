// runSnapshot: the day's snapshot composed (or the kept one reused), kept once, planned once per destination, then the dispatcher poked.
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { TrackRecordSource } from '../track-record/types';
import type { ChartImage } from '../types';
import { composeSnapshot, gatherSnapshot } from './compose';
import { dayOf, type DayCutoff } from './day';
import type { NewSnapshot, SnapshotPlanCounts, SnapshotStore, StoredSnapshot } from './ports';
import type { ChartData } from './types';

/** What the snapshot needs; every part a parameter. */
export interface SnapshotServiceDeps {
  store: SnapshotStore;
  track: TrackRecordSource;
  /** OPERATOR_TIME_ZONE: a snapshot's day is counted there. */
  timeZone: string;
  /** SNAPSHOT_TIME: a day's snapshot covers the 24 hours to this time on the day; absent or null: the calendar day. */
  dayEndsAt?: DayCutoff | null | undefined;
  /** DISCLAIMER (null: none), put under the snapshot by each platform. */
  disclaimer: string | null;
  /** Draws the chart (content/chart/png.ts); null when it cannot be drawn. */
  drawChart(data: ChartData, heading: string): ChartImage | null;
  /** Wakes the dispatcher once deliveries are planned. */
  poke(): void;
  clock: Clock;
  logger: Logger;
  /**
   * A kept snapshot older than this is not planned again: its sent rows, which make "once per
   * destination", may be pruned by then (DELIVERED_RETENTION_DAYS). Absent or null: always planned.
   */
  replanWithinMs?: number | null | undefined;
}

/** Which day (default: the operator's day of `now`) and when. */
export interface SnapshotOptions {
  day?: string | undefined;
  now?: number | undefined;
}

/** What a run did: the snapshot it kept (or found), and its planning. */
export interface SnapshotRun extends SnapshotPlanCounts {
  day: string;
  ref: number;
  /** Written by this run; false when the day's snapshot was already kept. */
  created: boolean;
  /** Whether it carries a chart. */
  chart: boolean;
  /** Kept longer ago than `replanWithinMs`: nothing was planned (its rows may be pruned, so "once" could not be told). */
  tooOld: boolean;
}

/** The day's snapshot as it would go out: the kept one if any (it never changes), else written now and not kept. */
export function previewSnapshot(deps: SnapshotServiceDeps, options: SnapshotOptions = {}): { snapshot: NewSnapshot; kept: boolean; disclaimer: string | null } {
  const now = options.now ?? deps.clock.now();
  const day = options.day ?? dayOf(now, deps.timeZone);
  const kept = deps.store.find(day);
  if (kept) return { snapshot: kept, kept: true, disclaimer: deps.disclaimer };
  return { snapshot: writeSnapshot(deps, day, now), kept: false, disclaimer: deps.disclaimer };
}

function writeSnapshot(deps: SnapshotServiceDeps, day: string, now: number): NewSnapshot {
  const composed = composeSnapshot(gatherSnapshot(deps.track, day, deps.timeZone, now, deps.dayEndsAt ?? null), { timeZone: deps.timeZone, disclaimer: deps.disclaimer, endsAt: deps.dayEndsAt ?? null });
  const chart = deps.drawChart(composed.figures.chart, composed.title);
  return { day, title: composed.title, text: composed.text, chart, figures: composed.figures };
}

/**
 * Composes the day's snapshot (unless it is kept already: then that one, unchanged), keeps it once,
 * plans it once per destination, and pokes the dispatcher. Safe to run again, from any process:
 * a second run plans nothing that was planned.
 */
export async function runSnapshot(deps: SnapshotServiceDeps, options: SnapshotOptions = {}): Promise<SnapshotRun> {
  const now = options.now ?? deps.clock.now();
  const day = options.day ?? dayOf(now, deps.timeZone);
  let snapshot: StoredSnapshot | undefined = deps.store.find(day);
  let created = false;
  if (!snapshot) ({ snapshot, created } = deps.store.create(writeSnapshot(deps, day, now), now));
  const chart = snapshot.chart !== null;
  if (deps.replanWithinMs && now - snapshot.createdAt >= deps.replanWithinMs) {
    const stale: SnapshotRun = { day, ref: snapshot.ref, created, chart, tooOld: true, planned: 0, alreadyPlanned: 0, excluded: {}, notTaking: 0 };
    deps.logger.warn({ ...stale, keptAt: snapshot.createdAt }, 'the day\'s snapshot was kept too long ago to plan again (its sent rows may be pruned): nothing planned');
    return stale;
  }
  const counts = await deps.store.plan(snapshot, now);
  if (counts.planned > 0) deps.poke();
  const run: SnapshotRun = { day, ref: snapshot.ref, created, chart, tooOld: false, ...counts };
  deps.logger.info({ ...run }, 'daily snapshot planned');
  return run;
}
