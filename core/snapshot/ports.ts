// What the snapshot service runs over: where snapshots are kept and planned; db/stores/snapshot-store.ts implements it.
import type { ChartImage } from '../types';
import type { SnapshotExclusion } from './audience';
import type { SnapshotFigures } from './types';

/** A snapshot to keep: written once per operator day. */
export interface NewSnapshot {
  day: string;
  title: string;
  text: string;
  chart: ChartImage | null;
  figures: SnapshotFigures;
}

/** A kept snapshot; `ref` is what its deliveries point at. */
export interface StoredSnapshot extends NewSnapshot {
  ref: number;
  createdAt: number;
}

/** What one planning of a snapshot came to. */
export interface SnapshotPlanCounts {
  /** Deliveries written now. */
  planned: number;
  /** Destinations that already had this snapshot's delivery (an earlier run, another process). */
  alreadyPlanned: number;
  /** Candidates whose plan or settings give no snapshot, by reason. */
  excluded: Partial<Record<SnapshotExclusion, number>>;
  /** Entitled destinations that do not take snapshots (their content kinds). */
  notTaking: number;
}

export interface SnapshotStore {
  /** The day's snapshot, if one was kept. */
  find(day: string): StoredSnapshot | undefined;
  /** Keeps the day's snapshot once: a second call (any process) returns the first, whatever changed since. */
  create(snapshot: NewSnapshot, now: number): { snapshot: StoredSnapshot; created: boolean };
  /**
   * One 'snapshot' delivery per entitled destination taking snapshots, once per destination whatever
   * happens; in chunks, giving the event loop back between them.
   */
  plan(snapshot: StoredSnapshot, now: number): Promise<SnapshotPlanCounts>;
}
