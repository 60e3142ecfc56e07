// Rationales in SQLite: the signals still wanting one, and storing one with the release of its waiting deliveries in one transaction.
import type { Statement } from 'better-sqlite3';
import type { Clock } from '../../core/clock';
import type { RationaleStore, WrittenRationale } from '../../core/rationale/ports';
import type { Signal } from '../../core/types';
import type { Db } from '../client';
import type { SignalRow } from '../schema';
import { SqliteTransaction } from '../transaction';
import { signals } from '../schema';
import { toSignal } from './signal-store';
import { and, asc, eq, gte } from 'drizzle-orm';

const SAVE_SQL = `UPDATE signals SET rationale_state = 'written', rationale_text = @text, rationale_json = @json, rationale_source = @source,
    rationale_reason = @reason, rationale_model = @model, rationale_prompt_tokens = @promptTokens, rationale_completion_tokens = @completionTokens,
    rationale_latency_ms = @latencyMs, rationale_at = @at
  WHERE id = @signalId AND rationale_state = 'wanted' RETURNING ref`;

/**
 * The signal's waiting rationale rows become pending, due as planned (with their alerts) or now if
 * later: alerts published before the rationale was written keep their place ahead of it.
 */
const RELEASE_SQL = `UPDATE deliveries SET state = 'pending', due_at = max(due_at, @at), updated_at = @at
  WHERE content_ref = @ref AND kind = 'rationale' AND content_type = 'signal' AND state = 'waiting'`;

export class SqliteRationaleStore implements RationaleStore {
  private readonly transaction: SqliteTransaction;
  private readonly saveStmt: Statement;
  private readonly releaseStmt: Statement;

  constructor(private readonly deps: { db: Db; clock: Clock }) {
    const sqlite = deps.db.$client;
    this.transaction = new SqliteTransaction(sqlite, () => deps.clock.now());
    this.saveStmt = sqlite.prepare(SAVE_SQL).pluck(true);
    this.releaseStmt = sqlite.prepare(RELEASE_SQL);
  }

  wanted(signalId: string): Signal | undefined {
    const row: SignalRow | undefined = this.deps.db.select().from(signals).where(and(eq(signals.id, signalId), eq(signals.rationaleState, 'wanted'))).get();
    return row ? toSignal(row) : undefined;
  }

  allWanted(): Signal[] {
    return this.deps.db.select().from(signals).where(eq(signals.rationaleState, 'wanted')).orderBy(asc(signals.ref)).all().map(toSignal);
  }

  /** Through signals_created_at_idx: only the recent signals are read. */
  wantedSince(from: number): Signal[] {
    return this.deps.db.select().from(signals).where(and(gte(signals.createdAt, new Date(from)), eq(signals.rationaleState, 'wanted'))).orderBy(asc(signals.ref)).all().map(toSignal);
  }

  /**
   * With rationales turned off (RATIONALES=off) after signals asked for one: those signals want none
   * any more and their waiting rows are skipped (`rationales_off`), so nothing waits for ever.
   * Returns how many signals and deliveries it let go.
   */
  abandonWanted(at: number): { signals: number; deliveries: number } {
    const sqlite = this.deps.db.$client;
    return this.transaction.run(() => {
      const deliveries = sqlite.prepare(`UPDATE deliveries SET state = 'skipped', skip_reason = 'rationales_off', updated_at = ?
        WHERE state = 'waiting' AND kind = 'rationale' AND content_type = 'signal'`).run(at).changes;
      const signalsLetGo = sqlite.prepare(`UPDATE signals SET rationale_state = NULL WHERE rationale_state = 'wanted'`).run().changes;
      return { signals: signalsLetGo, deliveries };
    });
  }

  saveAndRelease(signalId: string, w: WrittenRationale, at: number): number {
    return this.transaction.run(() => {
      const ref = this.saveStmt.get({
        signalId, text: w.text, json: JSON.stringify(w.body), source: w.source, reason: w.reason, model: w.model,
        promptTokens: w.promptTokens, completionTokens: w.completionTokens, latencyMs: w.latencyMs, at,
      }) as number | undefined;
      if (ref === undefined) return 0;
      return this.releaseStmt.run({ ref, at }).changes;
    });
  }
}
