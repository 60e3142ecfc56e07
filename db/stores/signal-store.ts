// Signals in SQLite: publish stores a signal once per publisher id and writes its planned deliveries in the same transaction.
import { desc, eq } from 'drizzle-orm';
import type { Statement } from 'better-sqlite3';
import type { Clock } from '../../core/clock';
import { SignalcastError } from '../../core/errors';
import { newId } from '../../core/ids';
import { silentLogger, type Logger } from '../../core/logger';
import { noopMetrics, type Metrics } from '../../core/metrics';
import { checkRecipients } from '../../core/planning/check';
import type { Candidate, EntitledRecipient, OperatorAlert, PlanningAccount } from '../../core/planning/types';
import { utcDayOf } from '../../core/planning/utc-day';
import type { PlansConfig } from '../../core/plans/schema';
import { bandOf, type BandThresholds } from '../../core/signals/band';
import type { PublishMeta, PublishOutcome, SignalService, UpdateOutcome } from '../../core/signals/ports';
import { parseSignalInput, parseSignalUpdateInput } from '../../core/signals/validate';
import type { Band, PlatformName, Side, Signal, SignalInput, SignalUpdate, SignalUpdateInput } from '../../core/types';
import type { Db } from '../client';
import { signals, signalUpdates, type SignalRow, type SignalUpdateRow } from '../schema';
import { SqliteAuditLog } from './audit-store';

export interface SignalStoreDeps {
  db: Db;
  clock: Clock;
  plans: PlansConfig;
  bands: BandThresholds;
  logger?: Logger;
  metrics?: Metrics;
}

// One query for every candidate: enabled destinations taking alerts, with the account (through the
// identity when there is one, since /link may have moved it) and each of its subscriptions.
const CANDIDATES_SQL = `
  SELECT d.id, d.kind, d.platform, d.recipient_key, d.plan_id,
         a.id, a.symbol_filter, a.min_band, a.side_filter, a.direct_messages, a.quiet_start, a.quiet_end, a.time_zone, a.paused,
         s.id, s.plan_id, s.status, s.current_period_end, s.cancel_at_period_end, s.trial_end, s.past_due_since, s.source
  FROM destinations d
  LEFT JOIN identities i ON i.id = d.identity_id
  LEFT JOIN accounts a ON a.id = COALESCE(i.account_id, d.account_id)
  LEFT JOIN subscriptions s ON s.account_id = a.id
  WHERE d.enabled = 1 AND instr(d.content_kinds, '"alert"') > 0`;

type CandidateRow = [
  string, 'channel' | 'direct', string, string, string | null,
  string | null, string | null, Band | null, string | null, number | null, string | null, string | null, string | null, number | null,
  string | null, string | null, string | null, number | null, number | null, number | null, number | null, 'stripe' | 'grant' | null,
];

const USAGE_SQL = `
  SELECT COUNT(DISTINCT content_id) FROM deliveries
  WHERE account_id = ? AND utc_day = ? AND kind = 'alert' AND content_type = 'signal' AND state <> 'skipped'`;

const INSERT_DELIVERY_SQL = `
  INSERT INTO deliveries (content_type, content_id, kind, destination_id, account_id, platform, recipient_key,
                          priority, due_at, utc_day, state, skip_reason, attempts, created_at, updated_at)
  VALUES ('signal', ?, 'alert', ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`;

const PLANNED_COUNTS_SQL = `
  SELECT SUM(state <> 'skipped'), SUM(state = 'skipped') FROM deliveries WHERE content_id = ? AND kind = 'alert'`;

export function toSignal(row: SignalRow): Signal {
  const signal: Signal = {
    id: row.id,
    publisherId: row.publisherId,
    symbol: row.symbol,
    market: row.market,
    side: row.side,
    conviction: row.conviction,
    band: row.band,
    reasons: row.reasons,
    createdAt: row.createdAt,
  };
  if (row.persona !== null) signal.persona = row.persona;
  if (row.entry !== null) signal.entry = row.entry;
  if (row.stop !== null) signal.stop = row.stop;
  if (row.targets !== null && row.targets.length > 0) signal.targets = row.targets;
  if (row.horizon !== null) signal.horizon = row.horizon;
  return signal;
}

function toUpdate(row: SignalUpdateRow): SignalUpdate {
  const update: SignalUpdate = { id: row.id, signalId: row.signalId, kind: row.kind, createdAt: row.createdAt };
  if (row.targetIndex !== null) update.targetIndex = row.targetIndex;
  if (row.price !== null) update.price = row.price;
  if (row.resultPct !== null) update.resultPct = row.resultPct;
  if (row.note !== null) update.note = row.note;
  if (row.publisherUpdateId !== null) update.publisherUpdateId = row.publisherUpdateId;
  return update;
}

const parseList = <T>(json: string | null): T[] | null => (json === null ? null : (JSON.parse(json) as T[]));

/** Turns the candidate rows into candidates; one PlanningAccount object per account, subscriptions deduplicated. */
export function toCandidates(rows: CandidateRow[]): Candidate[] {
  const byDestination = new Map<string, Candidate>();
  const byAccount = new Map<string, PlanningAccount & { subscriptions: PlanningAccount['subscriptions'][number][] }>();
  for (const r of rows) {
    const destinationId = r[0];
    const accountId = r[5];
    let account = accountId === null ? null : byAccount.get(accountId) ?? null;
    if (accountId !== null && account === null) {
      account = {
        id: accountId,
        symbolFilter: parseList<string>(r[6]),
        minBand: r[7],
        sideFilter: parseList<Side>(r[8]),
        directMessages: r[9] === 1,
        quietStart: r[10],
        quietEnd: r[11],
        timeZone: r[12] ?? 'UTC',
        paused: r[13] === 1,
        subscriptions: [],
      };
      byAccount.set(accountId, account);
    }
    const subId = r[14];
    if (account && subId !== null && !account.subscriptions.some((s) => s.id === subId)) {
      account.subscriptions.push({
        id: subId, planId: r[15] as string, status: r[16] as string, currentPeriodEnd: r[17], cancelAtPeriodEnd: r[18] === 1,
        trialEnd: r[19], pastDueSince: r[20], source: r[21] ?? 'stripe',
      });
    }
    if (byDestination.has(destinationId)) continue;
    const base = { destinationId, platform: r[2] as PlatformName, recipientKey: r[3] };
    byDestination.set(destinationId, r[1] === 'channel' ? { ...base, kind: 'channel', planId: r[4] } : { ...base, kind: 'direct', account });
  }
  return [...byDestination.values()];
}

export class SqliteSignalStore implements SignalService {
  private readonly audit: SqliteAuditLog;
  private readonly logger: Logger;
  private readonly metrics: Metrics;
  private readonly candidatesStmt: Statement<[], CandidateRow>;
  private readonly usageStmt: Statement<[string, string], number>;
  private readonly insertStmt: Statement;
  private readonly countsStmt: Statement<[string], [number | null, number | null]>;

  constructor(private readonly deps: SignalStoreDeps) {
    this.audit = new SqliteAuditLog({ db: deps.db, clock: deps.clock });
    this.logger = deps.logger ?? silentLogger;
    this.metrics = deps.metrics ?? noopMetrics;
    const sqlite = deps.db.$client;
    this.candidatesStmt = sqlite.prepare<[], CandidateRow>(CANDIDATES_SQL).raw(true);
    this.usageStmt = sqlite.prepare<[string, string], number>(USAGE_SQL).pluck(true);
    this.insertStmt = sqlite.prepare(INSERT_DELIVERY_SQL);
    this.countsStmt = sqlite.prepare<[string], [number | null, number | null]>(PLANNED_COUNTS_SQL).raw(true);
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
    const outcome = db.$client.transaction((): PublishOutcome => {
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
      const check = checkRecipients(row, toCandidates(this.candidatesStmt.all()), {
        plans,
        now,
        usageToday: (accountId) => this.usageStmt.get(accountId, utcDay) ?? 0,
      });
      this.insertDeliveries(row.id, check.recipients, now, utcDay);
      this.audit.record({
        actor: meta.publishedBy,
        action: 'signal.published',
        subjectType: 'signal',
        subjectId: row.id,
        data: { publisherId: row.publisherId, symbol: row.symbol, band: row.band, planned: check.planned, skipped: check.skipped, excluded: check.excluded.length },
      });
      alerts = check.operatorAlerts;
      return { signal: toSignal(row), duplicate: false, planned: check.planned, skipped: check.skipped };
    }).immediate();

    if (!outcome.duplicate) {
      this.metrics.deliveriesPlanned(outcome.planned, outcome.skipped);
      this.logger.info({ signalId: outcome.signal.id, publisherId: outcome.signal.publisherId, planned: outcome.planned, skipped: outcome.skipped }, 'signal published');
    }
    this.warnOperator(outcome.signal.id, alerts);
    return outcome;
  }

  /** The fan-out: writes one delivery row per checked recipient. Accepts nothing but EntitledRecipient. */
  private insertDeliveries(signalId: string, recipients: readonly EntitledRecipient[], now: number, utcDay: string): void {
    const insert = this.insertStmt;
    for (const r of recipients) {
      insert.run(signalId, r.destinationId, r.accountId, r.platform, r.recipientKey, r.priority, r.dueAt, utcDay, r.state, r.skipReason, now, now);
    }
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
    for (const a of alerts) byStatus.set(`${a.reason}:${a.status}`, [...(byStatus.get(`${a.reason}:${a.status}`) ?? []), a]);
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

  async addUpdate(signalId: string, input: SignalUpdateInput, meta?: PublishMeta): Promise<UpdateOutcome> {
    return this.addUpdateNow(signalId, input, meta);
  }

  /** Records an outcome for a signal; idempotent on publisherUpdateId. */
  addUpdateNow(signalId: string, input: SignalUpdateInput, meta: PublishMeta = { publishedBy: 'system' }): UpdateOutcome {
    const update = parseSignalUpdateInput(input);
    const { db, clock } = this.deps;
    return db.$client.transaction((): UpdateOutcome => {
      const signal = db.select({ id: signals.id }).from(signals).where(eq(signals.id, signalId)).get();
      if (!signal) throw new SignalcastError('not_found', `signal ${signalId} not found`);
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
    }).immediate();
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
