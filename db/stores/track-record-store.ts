// The track record from SQLite: three range reads (signals, their updates, their reach) and the pure arithmetic of core/track-record.
import type { Statement } from 'better-sqlite3';
import { signalResult, trackRecordOf, type PublishedSignal, type PublishedUpdate } from '../../core/track-record/compute';
import type { SignalResult, TrackRecord, TrackRecordSource } from '../../core/track-record/types';
import type { Band, Side } from '../../core/types';
import type { Db } from '../client';

// Each read is one range of signals_created_at_idx; updates and reach are found per signal through
// their own indexes (signal_updates_signal_idx, signal_reach_signal_plan_idx): no query per signal.
const SIGNALS_SQL = `SELECT id, symbol, side, band, conviction, persona, entry, created_at AS publishedAt
  FROM signals WHERE created_at >= @from AND created_at < @to ORDER BY created_at, ref`;

// Publish order: the time it was recorded, then the order of insert (rowid) for updates of the same millisecond.
const UPDATES_SQL = `SELECT u.signal_id AS signalId, u.kind, u.target_index AS targetIndex, u.price, u.result_pct AS resultPct, u.created_at AS publishedAt
  FROM signals s JOIN signal_updates u ON u.signal_id = s.id
  WHERE s.created_at >= @from AND s.created_at < @to AND u.created_at <= @asOf
  ORDER BY u.created_at, u.rowid`;

const REACH_SQL = `SELECT s.id AS signalId, r.plan_id AS planId
  FROM signals s JOIN signal_reach r ON r.signal_ref = s.ref
  WHERE s.created_at >= @from AND s.created_at < @to
  ORDER BY r.plan_id`;

/** The store's three reads (exported for the query-plan test). */
export const TRACK_RECORD_SQL = { signals: SIGNALS_SQL, updates: UPDATES_SQL, reach: REACH_SQL } as const;

interface SignalRow {
  id: string; symbol: string; side: Side; band: Band; conviction: number; persona: string | null; entry: number | null; publishedAt: number;
}
interface UpdateRow extends PublishedUpdate { signalId: string }
interface ReachRow { signalId: string; planId: string }
interface Range { from: number; to: number; asOf: number }

export class SqliteTrackRecord implements TrackRecordSource {
  private statements: {
    signals: Statement<Pick<Range, 'from' | 'to'>, SignalRow>;
    updates: Statement<Range, UpdateRow>;
    reach: Statement<Pick<Range, 'from' | 'to'>, ReachRow>;
  } | undefined;

  constructor(private readonly deps: { db: Db }) {}

  /** Prepared at the first read (and once), so that building the store reads nothing. */
  private get stmts(): NonNullable<SqliteTrackRecord['statements']> {
    const sqlite = this.deps.db.$client;
    this.statements ??= { signals: sqlite.prepare(SIGNALS_SQL), updates: sqlite.prepare(UPDATES_SQL), reach: sqlite.prepare(REACH_SQL) };
    return this.statements;
  }

  record(now: number): TrackRecord {
    const range = { from: Number.MIN_SAFE_INTEGER, to: now + 1, asOf: now };
    const plans = new Map<string, string[]>();
    for (const r of this.stmts.reach.all({ from: range.from, to: range.to })) {
      const list = plans.get(r.signalId);
      if (list) list.push(r.planId);
      else plans.set(r.signalId, [r.planId]);
    }
    return trackRecordOf(this.resultsIn(range), (id) => plans.get(id) ?? [], now);
  }

  results(from: number, to: number, asOf: number): SignalResult[] {
    return this.resultsIn({ from, to, asOf });
  }

  private resultsIn(range: Range): SignalResult[] {
    const updates = new Map<string, PublishedUpdate[]>();
    for (const { signalId, ...u } of this.stmts.updates.all(range)) {
      const list = updates.get(signalId);
      if (list) list.push(u);
      else updates.set(signalId, [u]);
    }
    return this.stmts.signals.all({ from: range.from, to: range.to }).map((row) => {
      const signal: PublishedSignal = {
        signalId: row.id, symbol: row.symbol, side: row.side, band: row.band, conviction: row.conviction,
        persona: row.persona, entry: row.entry, publishedAt: row.publishedAt,
      };
      return signalResult(signal, updates.get(row.id) ?? [], range.asOf);
    });
  }
}
