// Signals and their updates in SQLite: stores and finds them, nothing more (core/publishing checks and plans).
import { desc, eq, sql } from 'drizzle-orm';
import type { Statement } from 'better-sqlite3';
import type { Clock } from '../../core/clock';
import { newId } from '../../core/ids';
import type { NewSignal, NewSignalUpdate, SignalStore, StoredSignal } from '../../core/publishing/ports';
import { setFields } from '../../core/signals/set-fields';
import type { PublishEstimates, SignalRef } from '../../core/signals/ports';
import type { Signal, SignalUpdate } from '../../core/types';
import type { Db } from '../client';
import { signals, signalUpdates, type SignalRow, type SignalUpdateRow } from '../schema';
import { SqliteAuditLog } from './audit-store';

/** A signal's alert rows, planned and skipped, by its public id (exported for its query-plan test). */
export const PLANNED_COUNTS_SQL = `
  SELECT SUM(state <> 'skipped'), SUM(state = 'skipped') FROM deliveries
  WHERE content_type = 'signal' AND content_ref = (SELECT ref FROM signals WHERE id = ?) AND kind = 'alert'`;

export function toSignal(row: SignalRow): Signal {
  return {
    id: row.id,
    publisherId: row.publisherId,
    symbol: row.symbol,
    market: row.market,
    side: row.side,
    conviction: row.conviction,
    band: row.band,
    reasons: row.reasons,
    createdAt: row.createdAt,
    ...setFields({ persona: row.persona, entry: row.entry, stop: row.stop, targets: row.targets, horizon: row.horizon, maxAlertAgeMinutes: row.maxAlertAgeMinutes }),
  };
}

function toStored(row: SignalRow): StoredSignal {
  return { signal: toSignal(row), ref: row.ref, rationaleText: row.rationaleText };
}

export function toUpdate(row: SignalUpdateRow): SignalUpdate {
  return {
    id: row.id,
    signalId: row.signalId,
    kind: row.kind,
    createdAt: row.createdAt,
    ...setFields({ targetIndex: row.targetIndex, price: row.price, resultPct: row.resultPct, note: row.note, publisherUpdateId: row.publisherUpdateId }),
  };
}

/**
 * Stores signals once per publisher id and updates once per publisher update id (both unique in
 * the schema). Runs inside the caller's transaction; takes only checked input.
 */
export class SqliteSignalStore implements SignalStore {
  private readonly audit: SqliteAuditLog;
  private readonly countsStmt: Statement<[string], [number | null, number | null]>;
  /** Prepared once: every planning chunk reads its signal (building and preparing the query each time cost a millisecond). */
  private readonly byRef;

  constructor(private readonly deps: { db: Db; clock: Clock }) {
    this.audit = new SqliteAuditLog(deps);
    this.countsStmt = deps.db.$client.prepare<[string], [number | null, number | null]>(PLANNED_COUNTS_SQL).raw(true);
    this.byRef = deps.db.select().from(signals).where(eq(signals.ref, sql.placeholder('ref'))).prepare();
  }

  findByPublisherId(publisherId: string): StoredSignal | undefined {
    const row = this.deps.db.select().from(signals).where(eq(signals.publisherId, publisherId)).get();
    return row ? toStored(row) : undefined;
  }

  insert(s: NewSignal): StoredSignal {
    const { input } = s;
    const row = this.deps.db.insert(signals).values({
      id: newId('sig'),
      ...input,
      persona: input.persona ?? null,
      entry: input.entry ?? null,
      stop: input.stop ?? null,
      targets: input.targets ?? null,
      horizon: input.horizon ?? null,
      maxAlertAgeMinutes: input.maxAlertAgeMinutes ?? null,
      band: s.band,
      publishedBy: s.publishedBy,
      createdAt: new Date(s.createdAt),
    }).returning().get();
    return toStored(row);
  }

  findByRef(ref: number): StoredSignal | undefined {
    const row = this.byRef.get({ ref });
    return row ? toStored(row) : undefined;
  }

  /**
   * What the publish answered, from its audit event (rows may have moved on since); a signal published before the event carried
   * candidates and estimates: its rows counted, and no estimates.
   */
  publishedOutcome(signalId: string): { planned: number; skipped: number; candidates: number; estimates: PublishEstimates } {
    const event = this.audit.list({ subjectType: 'signal', subjectId: signalId, limit: 50 }).find((e) => e.action === 'signal.published');
    const data = event?.data;
    let counts: { planned: number; skipped: number };
    if (data && typeof data.planned === 'number' && typeof data.skipped === 'number') counts = { planned: data.planned, skipped: data.skipped };
    else {
      const [planned, skipped] = this.countsStmt.get(signalId) ?? [0, 0];
      counts = { planned: planned ?? 0, skipped: skipped ?? 0 };
    }
    const candidates = typeof data?.candidates === 'number' ? data.candidates : counts.planned + counts.skipped;
    const estimates = data?.estimates && typeof data.estimates === 'object' ? (data.estimates as PublishEstimates) : {};
    return { ...counts, candidates, estimates };
  }

  findId(ref: SignalRef): string | undefined {
    const { db } = this.deps;
    const found = typeof ref === 'string'
      ? db.select({ id: signals.id }).from(signals).where(eq(signals.id, ref)).get()
      : db.select({ id: signals.id }).from(signals).where(eq(signals.publisherId, ref.publisherId)).get();
    return found?.id;
  }

  findUpdate(publisherUpdateId: string): SignalUpdate | undefined {
    const row = this.deps.db.select().from(signalUpdates).where(eq(signalUpdates.publisherUpdateId, publisherUpdateId)).get();
    return row ? toUpdate(row) : undefined;
  }

  /** Stores an update with the next update ref (its deliveries' content_ref). */
  insertUpdate(u: NewSignalUpdate): SignalUpdate {
    const { update } = u;
    const row = this.deps.db.insert(signalUpdates).values({
      id: newId('upd'),
      signalId: u.signalId,
      publisherUpdateId: update.publisherUpdateId ?? null,
      kind: update.kind,
      targetIndex: update.targetIndex ?? null,
      price: update.price ?? null,
      resultPct: update.resultPct ?? null,
      note: update.note ?? null,
      createdAt: new Date(u.createdAt),
      // The key its deliveries point at: one more than any so far (inside the publishing transaction, so never taken twice).
      ref: sql`(SELECT coalesce(max(${signalUpdates.ref}), 0) + 1 FROM ${signalUpdates})`,
    }).returning().get();
    return toUpdate(row);
  }

  get(id: string): Signal | null {
    const row = this.deps.db.select().from(signals).where(eq(signals.id, id)).get();
    return row ? toSignal(row) : null;
  }

  /** Newest first. */
  listRecent(limit: number): Signal[] {
    return this.deps.db.select().from(signals).orderBy(desc(signals.createdAt), desc(signals.id)).limit(Math.max(0, limit)).all().map(toSignal);
  }

  listUpdates(signalId: string): SignalUpdate[] {
    return this.deps.db.select().from(signalUpdates).where(eq(signalUpdates.signalId, signalId)).orderBy(signalUpdates.createdAt, signalUpdates.id).all().map(toUpdate);
  }
}
