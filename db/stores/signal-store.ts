// Signals in SQLite: publish stores a signal once per publisher id and writes its planned deliveries in the same transaction,
// planning against candidates kept in memory (candidate-cache.ts).
import { desc, eq } from 'drizzle-orm';
import type { Statement } from 'better-sqlite3';
import type { Clock } from '../../core/clock';
import { SignalcastError } from '../../core/errors';
import { newId } from '../../core/ids';
import { silentLogger, type Logger } from '../../core/logger';
import { noopMetrics, type Metrics } from '../../core/metrics';
import { RecipientChecker } from '../../core/planning/check';
import type { EntitledRecipient, OperatorAlert } from '../../core/planning/types';
import { utcDayOf } from '../../core/planning/utc-day';
import type { PlansConfig } from '../../core/plans/schema';
import { bandOf, type BandThresholds } from '../../core/signals/band';
import { setFields } from '../../core/signals/set-fields';
import type { PublishMeta, PublishOutcome, SignalRef, SignalService, UpdateOutcome } from '../../core/signals/ports';
import { parseSignalInput, parseSignalUpdateInput } from '../../core/signals/validate';
import type { Signal, SignalInput, SignalUpdate, SignalUpdateInput } from '../../core/types';
import type { Db } from '../client';
import { BusyGate } from '../faults';
import { signals, signalUpdates, type SignalRow, type SignalUpdateRow } from '../schema';
import { AlertWriter } from './alert-writer';
import { SqliteAuditLog } from './audit-store';
import { CandidateCache, type CandidateBatch } from './candidate-cache';

export interface SignalStoreDeps {
  db: Db;
  clock: Clock;
  plans: PlansConfig;
  bands: BandThresholds;
  logger?: Logger;
  metrics?: Metrics;
  /** The most candidates kept in memory (CandidateCache's maxCached). */
  maxCachedCandidates?: number;
}

/**
 * Every account's count of distinct signals toward its daily cap on a UTC day: one range of the
 * covering index deliveries_cap_usage_idx (only counted rows carry cap_day). Exported for its
 * query-plan test.
 */
export const USAGE_SQL = `
  SELECT cap_account_id, COUNT(DISTINCT content_ref) FROM deliveries WHERE cap_day = ? GROUP BY cap_account_id`;

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
    ...setFields({ persona: row.persona, entry: row.entry, stop: row.stop, targets: row.targets, horizon: row.horizon }),
  };
}

function toUpdate(row: SignalUpdateRow): SignalUpdate {
  return {
    id: row.id,
    signalId: row.signalId,
    kind: row.kind,
    createdAt: row.createdAt,
    ...setFields({ targetIndex: row.targetIndex, price: row.price, resultPct: row.resultPct, note: row.note, publisherUpdateId: row.publisherUpdateId }),
  };
}

export class SqliteSignalStore implements SignalService {
  private readonly audit: SqliteAuditLog;
  private readonly logger: Logger;
  private readonly metrics: Metrics;
  private readonly candidates: CandidateCache;
  private readonly usageStmt: Statement<[string], [string, number]>;
  private readonly alerts: AlertWriter;
  private readonly countsStmt: Statement<[string], [number | null, number | null]>;
  /** Plans with a daily cap: only their deliveries are counted (and indexed) for it. */
  private readonly cappedPlans: ReadonlySet<string>;
  /** Busy, full or unwritable database: DatabaseUnavailableError (503), failing fast while busy. */
  private readonly writes: BusyGate;

  constructor(private readonly deps: SignalStoreDeps) {
    this.audit = new SqliteAuditLog({ db: deps.db, clock: deps.clock });
    this.logger = deps.logger ?? silentLogger;
    this.metrics = deps.metrics ?? noopMetrics;
    this.cappedPlans = new Set(deps.plans.plans.filter((p) => p.dailyCap !== null).map((p) => p.id));
    const sqlite = deps.db.$client;
    this.writes = new BusyGate(sqlite, () => deps.clock.now());
    this.candidates = new CandidateCache(sqlite, { now: () => deps.clock.now(), ...(deps.maxCachedCandidates === undefined ? {} : { maxCached: deps.maxCachedCandidates }) });
    this.usageStmt = sqlite.prepare<[string], [string, number]>(USAGE_SQL).raw(true);
    this.alerts = new AlertWriter(sqlite);
    this.countsStmt = sqlite.prepare<[string], [number | null, number | null]>(PLANNED_COUNTS_SQL).raw(true);
  }

  /** Brings the in-memory candidates up to date now, so that the next publish has less to read. */
  refreshCandidates(): void {
    this.candidates.refresh();
  }

  async publish(input: SignalInput, meta: PublishMeta): Promise<PublishOutcome> {
    return this.publishNow(input, meta);
  }

  /**
   * In one immediate transaction: returns the first result for a known publisher id, or stores the
   * signal, plans it against every candidate destination, writes the deliveries and an audit event.
   * Returns after the commit.
   */
  publishNow(input: SignalInput, meta: PublishMeta): PublishOutcome {
    const signalInput = parseSignalInput(input);
    const { db, clock, plans, bands } = this.deps;
    let alerts: readonly OperatorAlert[] = [];
    const outcome = this.writes.run(() => db.$client.transaction((): PublishOutcome => {
      const existing = db.select().from(signals).where(eq(signals.publisherId, signalInput.publisherId)).get();
      if (existing) return { signal: toSignal(existing), duplicate: true, ...this.plannedCounts(existing.id) };

      const now = clock.now();
      const row = db.insert(signals).values({
        id: newId('sig'),
        ...signalInput,
        persona: signalInput.persona ?? null,
        entry: signalInput.entry ?? null,
        stop: signalInput.stop ?? null,
        targets: signalInput.targets ?? null,
        horizon: signalInput.horizon ?? null,
        band: bandOf(signalInput.conviction, bands),
        publishedBy: meta.publishedBy,
        createdAt: new Date(now),
      }).returning().get();
      const utcDay = utcDayOf(now);
      let usage: Map<string, number> | undefined;
      const checker = new RecipientChecker(row, {
        plans,
        now,
        // Read for every account at the first capped one, inside this transaction.
        usageToday: (accountId) => (usage ??= new Map(this.usageStmt.all(utcDay))).get(accountId) ?? 0,
      });
      for (const batch of this.candidates.batches()) {
        this.insertDeliveries(row.ref, checker.check(batch.candidates).recipients, batch, now, utcDay);
      }
      this.audit.record({
        actor: meta.publishedBy,
        action: 'signal.published',
        subjectType: 'signal',
        subjectId: row.id,
        data: {
          publisherId: row.publisherId, symbol: row.symbol, band: row.band, planned: checker.planned, skipped: checker.skipped,
          excluded: Object.fromEntries(checker.excludedBy),
        },
      });
      alerts = checker.operatorAlerts;
      return { signal: toSignal(row), duplicate: false, planned: checker.planned, skipped: checker.skipped };
    }).immediate());

    if (!outcome.duplicate) {
      this.metrics.deliveriesPlanned(outcome.planned, outcome.skipped);
      this.logger.info({ signalId: outcome.signal.id, publisherId: outcome.signal.publisherId, planned: outcome.planned, skipped: outcome.skipped }, 'signal published');
    }
    this.warnOperator(outcome.signal.id, alerts);
    return outcome;
  }

  /** The fan-out: writes one delivery row per checked recipient. Accepts nothing but EntitledRecipient. */
  private insertDeliveries(signalRef: number, recipients: readonly EntitledRecipient[], batch: CandidateBatch, now: number, utcDay: string): void {
    this.alerts.write({
      signalRef,
      recipients,
      refOf: (destinationId) => {
        const ref = batch.refOf(destinationId);
        if (ref === undefined) throw new SignalcastError('internal', `destination ${destinationId} was planned but is not a candidate`);
        return ref;
      },
      capped: (planId) => this.cappedPlans.has(planId),
      now,
      utcDay,
    });
  }

  /** The counts a publish reported, from its audit event (rows may have moved on since); else counted. */
  private plannedCounts(signalId: string): { planned: number; skipped: number } {
    const event = this.audit.list({ subjectType: 'signal', subjectId: signalId, limit: 50 }).find((e) => e.action === 'signal.published');
    const data = event?.data;
    if (data && typeof data.planned === 'number' && typeof data.skipped === 'number') return { planned: data.planned, skipped: data.skipped };
    const [planned, skipped] = this.countsStmt.get(signalId) ?? [0, 0];
    return { planned: planned ?? 0, skipped: skipped ?? 0 };
  }

  private warnOperator(signalId: string, alerts: readonly OperatorAlert[]): void {
    if (alerts.length === 0) return;
    const byStatus = new Map<string, OperatorAlert[]>();
    for (const a of alerts) {
      const key = `${a.reason}:${a.status}`;
      const group = byStatus.get(key);
      if (group) group.push(a);
      else byStatus.set(key, [a]);
    }
    for (const group of byStatus.values()) {
      const first = group[0] as OperatorAlert;
      this.logger.warn(
        { signalId, status: first.status, reason: first.reason, accounts: group.length, accountIds: group.slice(0, 10).map((a) => a.accountId) },
        first.reason === 'unknown_status'
          ? 'subscriptions with an unknown status keep their plan: check them in Stripe'
          : 'subscriptions name a plan the plans file does not have: they get the free plan',
      );
    }
  }

  async addUpdate(signal: SignalRef, input: SignalUpdateInput, meta?: PublishMeta): Promise<UpdateOutcome> {
    return this.addUpdateNow(signal, input, meta);
  }

  /** Records an outcome for a signal (by id or publisher id); idempotent on publisherUpdateId. */
  addUpdateNow(ref: SignalRef, input: SignalUpdateInput, meta: PublishMeta = { publishedBy: 'system' }): UpdateOutcome {
    const update = parseSignalUpdateInput(input);
    const { db, clock } = this.deps;
    return this.writes.run(() => db.$client.transaction((): UpdateOutcome => {
      const found = typeof ref === 'string'
        ? db.select({ id: signals.id }).from(signals).where(eq(signals.id, ref)).get()
        : db.select({ id: signals.id }).from(signals).where(eq(signals.publisherId, ref.publisherId)).get();
      if (!found) {
        throw new SignalcastError('not_found', typeof ref === 'string' ? `signal ${ref} not found` : `no signal with publisher id ${JSON.stringify(ref.publisherId)}`);
      }
      const signalId = found.id;
      if (update.publisherUpdateId !== undefined) {
        const existing = db.select().from(signalUpdates).where(eq(signalUpdates.publisherUpdateId, update.publisherUpdateId)).get();
        if (existing && existing.signalId !== signalId) {
          throw new SignalcastError('conflict', `update ${update.publisherUpdateId} was already recorded for another signal (${existing.signalId})`);
        }
        if (existing) return { update: toUpdate(existing), duplicate: true };
      }
      const row = db.insert(signalUpdates).values({
        id: newId('upd'),
        signalId,
        publisherUpdateId: update.publisherUpdateId ?? null,
        kind: update.kind,
        targetIndex: update.targetIndex ?? null,
        price: update.price ?? null,
        resultPct: update.resultPct ?? null,
        note: update.note ?? null,
        createdAt: new Date(clock.now()),
      }).returning().get();
      this.audit.record({ actor: meta.publishedBy, action: 'signal.updated', subjectType: 'signal', subjectId: signalId, data: { updateId: row.id, kind: row.kind } });
      return { update: toUpdate(row), duplicate: false };
    }).immediate());
  }

  async getSignal(id: string): Promise<Signal | null> {
    const row = this.deps.db.select().from(signals).where(eq(signals.id, id)).get();
    return row ? toSignal(row) : null;
  }

  async listRecent(limit: number): Promise<Signal[]> {
    return this.deps.db.select().from(signals).orderBy(desc(signals.createdAt), desc(signals.id)).limit(Math.max(0, limit)).all().map(toSignal);
  }

  async listUpdates(signalId: string): Promise<SignalUpdate[]> {
    return this.deps.db.select().from(signalUpdates).where(eq(signalUpdates.signalId, signalId)).orderBy(signalUpdates.createdAt, signalUpdates.id).all().map(toUpdate);
  }
}
