// Daily snapshots on SQLite: kept once per operator day, planned once per destination in chunks (snapshots table, 'snapshot' deliveries).
import type { Statement } from 'better-sqlite3';
import { SignalcastError } from '../../core/errors';
import { DELIVERY_PRIORITY } from '../../core/planning/types';
import type { PlansConfig } from '../../core/plans/schema';
import type { CandidateSource } from '../../core/publishing/ports';
import { SnapshotAudience } from '../../core/snapshot/audience';
import type { NewSnapshot, SnapshotPlanCounts, SnapshotStore, StoredSnapshot } from '../../core/snapshot/ports';
import type { SnapshotFigures } from '../../core/snapshot/types';
import type { Db } from '../client';

/** Rows per transaction: short write locks, and a crash loses at most one chunk's work (redone by the next run). */
export const SNAPSHOT_PLAN_CHUNK = 2_000;

const INSERT_SNAPSHOT_SQL = `INSERT INTO snapshots (day, title, text, png, png_width, png_height, png_alt, figures, created_at)
  VALUES (@day, @title, @text, @png, @width, @height, @alt, @figures, @now) ON CONFLICT (day) DO NOTHING`;

/** One row per destination still enabled and taking snapshots; the unique (content_ref, destination_ref, kind) index makes it once. */
const INSERT_DELIVERY_SQL = `INSERT INTO deliveries (content_type, content_ref, kind, destination_ref, cap_account_id, priority, due_at, cap_day, state,
    skip_reason, protect_content, attempts, created_at, updated_at, platform)
  SELECT 'snapshot', @snapshotRef, 'snapshot', ref, NULL, ${DELIVERY_PRIORITY.snapshot}, @dueAt, NULL, 'pending', NULL, 0, 0, @now, @now, platform
  FROM destinations WHERE ref = @destinationRef AND enabled = 1 AND instr(content_kinds, '"snapshot"') > 0
  ON CONFLICT DO NOTHING`;

const TAKING_SQL = `SELECT ref FROM destinations WHERE enabled = 1 AND instr(content_kinds, '"snapshot"') > 0`;

/** What a snapshot's message is built from (snapshot-content.ts reads these columns). */
export interface SnapshotMessageRow {
  title: string;
  text: string;
  png: Buffer | null;
  png_width: number | null;
  png_height: number | null;
  png_alt: string | null;
}

interface SnapshotDbRow extends SnapshotMessageRow {
  ref: number;
  day: string;
  figures: string;
  created_at: number;
}

export interface SnapshotStoreDeps {
  db: Db;
  /** The planner's candidates (db/stores/candidate-source.ts). */
  candidates: CandidateSource;
  plans: PlansConfig;
  /** Rows per transaction (SNAPSHOT_PLAN_CHUNK). */
  chunkSize?: number | undefined;
  /** Told after each committed chunk: the rows written so far. */
  onChunk?: ((written: number) => void) | undefined;
}

export class SqliteSnapshotStore implements SnapshotStore {
  private readonly insertSnapshot: Statement;
  private readonly byDay: Statement<[string], SnapshotDbRow>;
  private readonly insertDelivery: Statement;
  private readonly taking: Statement<[], number>;

  constructor(private readonly deps: SnapshotStoreDeps) {
    const sqlite = deps.db.$client;
    this.insertSnapshot = sqlite.prepare(INSERT_SNAPSHOT_SQL);
    this.byDay = sqlite.prepare<[string], SnapshotDbRow>('SELECT * FROM snapshots WHERE day = ?');
    this.insertDelivery = sqlite.prepare(INSERT_DELIVERY_SQL);
    this.taking = sqlite.prepare<[], number>(TAKING_SQL).pluck(true);
  }

  find(day: string): StoredSnapshot | undefined {
    const row = this.byDay.get(day);
    return row ? toStoredSnapshot(row) : undefined;
  }

  create(s: NewSnapshot, now: number): { snapshot: StoredSnapshot; created: boolean } {
    const { changes } = this.insertSnapshot.run({
      day: s.day, title: s.title, text: s.text, png: s.chart ? Buffer.from(s.chart.png) : null, width: s.chart?.width ?? null,
      height: s.chart?.height ?? null, alt: s.chart?.alt ?? null, figures: JSON.stringify(s.figures), now,
    });
    const snapshot = this.find(s.day);
    if (!snapshot) throw new SignalcastError('internal', `the snapshot of ${s.day} was written but cannot be read back`);
    return { snapshot, created: changes > 0 };
  }

  async plan(snapshot: StoredSnapshot, now: number): Promise<SnapshotPlanCounts> {
    const audience = new SnapshotAudience(this.deps.plans, now);
    const taking = new Set(this.taking.all());
    const rows: { ref: number; dueAt: number }[] = [];
    let notTaking = 0;
    for (const batch of this.deps.candidates.batches()) {
      for (const r of audience.check(batch.candidates)) {
        const ref = batch.refOf(r.destinationId);
        if (ref === undefined) continue;
        if (taking.has(ref)) rows.push({ ref, dueAt: r.dueAt });
        else notTaking++;
      }
    }
    const size = this.deps.chunkSize ?? SNAPSHOT_PLAN_CHUNK;
    const sqlite = this.deps.db.$client;
    const writeChunk = sqlite.transaction((chunk: readonly { ref: number; dueAt: number }[]) => {
      let written = 0;
      for (const row of chunk) written += this.insertDelivery.run({ snapshotRef: snapshot.ref, destinationRef: row.ref, dueAt: row.dueAt, now }).changes;
      return written;
    });
    let planned = 0;
    for (let i = 0; i < rows.length; i += size) {
      // Between chunks, publishes and sends go on: a snapshot to 10,000 never holds the process for the whole plan.
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      planned += writeChunk.immediate(rows.slice(i, i + size));
      this.deps.onChunk?.(planned);
    }
    return { planned, alreadyPlanned: rows.length - planned, excluded: Object.fromEntries(audience.excludedBy), notTaking };
  }
}

function toStoredSnapshot(row: SnapshotDbRow): StoredSnapshot {
  const chart = row.png && row.png_width && row.png_height
    ? { png: new Uint8Array(row.png), width: row.png_width, height: row.png_height, alt: row.png_alt ?? '' }
    : null;
  return {
    ref: row.ref, day: row.day, title: row.title, text: row.text, chart, figures: JSON.parse(row.figures) as SnapshotFigures, createdAt: row.created_at,
  };
}
