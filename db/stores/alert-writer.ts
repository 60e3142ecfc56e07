// Writes one signal's alert deliveries in bulk (for outbox-writer.ts): rows that share every field but the destination go in together, binding one value per row; quiet-hours alerts are held for their window's digest (digest-rows.ts).
import type Database from 'better-sqlite3';
import type { EntitledRecipient } from '../../core/planning/types';
import { DigestRows } from './digest-rows';
import { StatementCache } from './statement-cache';

/** Rows per INSERT statement. */
const CHUNK = 100;

/** What every row of one group shares. */
interface Shared {
  priority: number;
  dueAt: number;
  state: string;
  skipReason: string | null;
  /** Sent protected from forwarding and saving (0 or 1, as SQLite stores it). */
  protect: number;
  /** Counted toward the account's daily cap: the row carries the account and the day. */
  counted: boolean;
  /** When an unsent row expires (ms since the epoch); null: never. */
  expiresAt: number | null;
  /** Moved to the end of the account's quiet hours: held for that window's digest (direct destinations only). */
  deferred: boolean;
  platform: string;
}

interface Group extends Shared {
  /** Per row: the destination's ref, then (counted rows only) the account id. */
  values: (number | string)[];
}

export interface AlertWrite {
  /** The signal's integer ref. */
  signalRef: number;
  recipients: readonly EntitledRecipient[];
  /** The destination's integer ref. */
  refOf(destinationId: string): number;
  /** Whether a pending row of this plan counts toward a daily cap. */
  capped(planId: string): boolean;
  now: number;
  utcDay: string;
}

const rowSql = (counted: boolean) =>
  `('signal', @signalRef, 'alert', ?, ${counted ? '?' : 'NULL'}, @priority, @dueAt, ${counted ? '@utcDay' : 'NULL'}, @state, @skipReason, @protect, 0, @now, @now, @expiresAt, @platform)`;

/**
 * Binding values is a good part of the cost of writing 10,000 rows, and nearly all rows of one
 * signal share their priority, due time and state (a plan's delay, quiet hours and the daily cap
 * make the few groups): so each group's shared fields are bound once per statement, and each row
 * binds only its destination (and, when it counts toward a cap, its account).
 *
 * A pending alert deferred by quiet hours (only direct destinations are: `EntitledRecipient.deferred`)
 * is written `held` for its window's digest, and the digest row is inserted once per destination and
 * window; where that digest was already claimed or sent, the alert is written `pending` as it was.
 * Nothing here assumes one transaction per signal: each call stands alone in its caller's transaction.
 */
export class AlertWriter {
  private readonly statements: StatementCache;
  private readonly digests: DigestRows;

  constructor(sqlite: Database.Database) {
    this.statements = new StatementCache(sqlite);
    this.digests = new DigestRows(sqlite);
  }

  write(w: AlertWrite): void {
    const groups = new Map<string, Group>();
    let last: Group | undefined;
    for (const r of w.recipients) {
      const counted = r.state === 'pending' && r.accountId !== null && w.capped(r.planId);
      const deferred = r.state === 'pending' && r.deferred;
      if (!last || !sameShared(last, r, counted, deferred)) {
        const key = `${r.platform}|${r.priority}|${r.dueAt}|${r.state}|${r.skipReason ?? ''}|${counted}|${r.protectContent}|${r.expiresAt ?? ''}|${deferred}`;
        last = groups.get(key);
        if (!last) {
          last = {
            priority: r.priority, dueAt: r.dueAt, state: r.state, skipReason: r.skipReason, protect: r.protectContent ? 1 : 0, counted, expiresAt: r.expiresAt, deferred,
            platform: r.platform, values: [],
          };
          groups.set(key, last);
        }
      }
      last.values.push(w.refOf(r.destinationId));
      if (counted) last.values.push(r.accountId as string);
    }
    for (const g of groups.values()) {
      if (g.deferred) this.writeDeferred(g, w);
      else this.writeGroup(g, w);
    }
  }

  /**
   * The window's digest rows first (once each), then the alerts: held where the digest is still
   * pending, pending (as without a digest) where it was already claimed or sent.
   */
  private writeDeferred(g: Group, w: AlertWrite): void {
    const perRow = g.counted ? 2 : 1;
    const refs: number[] = [];
    for (let i = 0; i < g.values.length; i += perRow) refs.push(g.values[i] as number);
    const window = { dueAt: g.dueAt, priority: g.priority, protect: g.protect, now: w.now, platform: g.platform };
    this.digests.insert(window, refs);
    const late = this.digests.notPending(window, refs);
    if (late.size === 0) {
      this.writeGroup({ ...g, state: 'held' }, w);
      return;
    }
    const held: (number | string)[] = [];
    const pending: (number | string)[] = [];
    for (let i = 0; i < g.values.length; i += perRow) {
      (late.has(g.values[i] as number) ? pending : held).push(...g.values.slice(i, i + perRow));
    }
    this.writeGroup({ ...g, state: 'held', values: held }, w);
    this.writeGroup({ ...g, values: pending }, w);
  }

  private writeGroup(g: Group, w: AlertWrite): void {
    const named = {
      signalRef: w.signalRef, priority: g.priority, dueAt: g.dueAt, state: g.state, skipReason: g.skipReason, protect: g.protect, utcDay: w.utcDay, now: w.now,
      expiresAt: g.expiresAt, platform: g.platform,
    };
    const perRow = g.counted ? 2 : 1;
    const step = CHUNK * perRow;
    for (let i = 0; i < g.values.length; i += step) {
      const slice = g.values.slice(i, i + step);
      this.statement(g.counted, slice.length / perRow).run(named, slice);
    }
  }

  private statement(counted: boolean, rows: number) {
    const key = `${counted ? 'c' : 'n'}${rows}`;
    // The source is built only the first time: get() takes it lazily.
    return this.statements.get(key, () => `INSERT INTO deliveries (content_type, content_ref, kind, destination_ref, cap_account_id, priority, due_at, cap_day, state,
        skip_reason, protect_content, attempts, created_at, updated_at, expires_at, platform) VALUES ${Array.from({ length: rows }, () => rowSql(counted)).join(', ')}`);
  }
}

function sameShared(g: Shared, r: EntitledRecipient, counted: boolean, deferred: boolean): boolean {
  return g.platform === r.platform && g.priority === r.priority && g.dueAt === r.dueAt && g.state === r.state && g.skipReason === r.skipReason && g.counted === counted
    && g.protect === (r.protectContent ? 1 : 0) && g.expiresAt === r.expiresAt && g.deferred === deferred;
}
