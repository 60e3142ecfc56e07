// Builds quiet-hours digest deliveries' messages from SQLite: the alerts held at the destination for that window, and those superseded while held, each with its updates so far.
import { asc, eq, sql } from 'drizzle-orm';
import type { Statement } from 'better-sqlite3';
import { ContentWithdrawnError } from '../../core/delivery/content';
import type { ContentBuilder } from '../../core/delivery/content-registry';
import type { DueDelivery } from '../../core/delivery/ports';
import { SignalcastError } from '../../core/errors';
import type { DigestItem, OutboundMessage, Signal, SignalUpdate } from '../../core/types';
import type { Db } from '../client';
import { signals, signalUpdates } from '../schema';
import { toSignal, toUpdate } from './signal-store';

const MINUTE_MS = 60_000;

/** A held signal as digests need it, loaded once for all the destinations that held it. */
interface CachedSignal {
  signal: Signal;
  /** Every update when last read, oldest first. */
  updates: SignalUpdate[];
}

/**
 * The 'digest' content type; a digest's content id is "digest#<minute>", the quiet window's end in whole
 * minutes since the epoch. Its items are the destination's alerts held for that window (due within that
 * minute) and those a stop or close superseded while held (so the person learns what happened while they
 * slept), oldest signal first, each with every update so far. Nothing held and nothing superseded: withdrawn
 * (`nothing_held`). The rows are read with the exact term of deliveries_quiet_idx's WHERE, so SQLite uses it.
 */
export class SqliteDigestContent implements ContentBuilder<OutboundMessage> {
  private readonly cache = new Map<number, CachedSignal>();
  private readonly cacheSize: number;
  private readonly heldStmt: Statement<[string, number, number], number>;
  private readonly countStmt: Statement<[string], number>;

  constructor(private readonly deps: { db: Db; cacheSize?: number | undefined }) {
    this.cacheSize = deps.cacheSize ?? 256;
    const sqlite = deps.db.$client;
    this.heldStmt = sqlite.prepare<[string, number, number], number>(`SELECT DISTINCT content_ref FROM deliveries
      WHERE destination_ref = (SELECT ref FROM destinations WHERE id = ?) AND due_at >= ? AND due_at < ?
        AND state IN ('held', 'superseded') AND kind = 'alert' AND content_type = 'signal' AND expires_at IS NULL
      ORDER BY content_ref`).pluck();
    this.countStmt = sqlite.prepare<[string], number>('SELECT count(*) FROM signal_updates WHERE signal_id = ?').pluck();
  }

  build(delivery: DueDelivery, _now: number): OutboundMessage {
    if (delivery.kind !== 'digest') throw new SignalcastError('not_found', `digests have no ${delivery.kind} content`);
    const minute = Number(/^digest#(\d+)$/.exec(delivery.contentId)?.[1]);
    if (!Number.isInteger(minute)) throw new SignalcastError('not_found', `digest ${delivery.contentId} does not name a quiet window`);
    const start = minute * MINUTE_MS;
    const items: DigestItem[] = [];
    for (const ref of this.heldStmt.all(delivery.destinationId, start, start + MINUTE_MS)) {
      const held = this.load(ref);
      if (held) items.push({ signal: held.signal, updates: held.updates });
    }
    if (items.length === 0) {
      throw new ContentWithdrawnError('nothing_held', `no alert was held for ${delivery.destinationId} in the quiet window ending ${new Date(start).toISOString()}`);
    }
    return { kind: 'digest', items, ...(delivery.protectContent ? { protectContent: true } : {}) };
  }

  /** The signal and its updates as they stand now (a cached history is read again when the signal has had updates since). */
  private load(ref: number): CachedSignal | undefined {
    let cached = this.cache.get(ref);
    if (cached) {
      this.cache.delete(ref);
      if (this.countStmt.get(cached.signal.id) !== cached.updates.length) cached.updates = this.history(cached.signal.id);
    } else {
      const row = this.deps.db.select().from(signals).where(eq(signals.ref, ref)).get();
      if (!row) return undefined;
      cached = { signal: toSignal(row), updates: this.history(row.id) };
    }
    this.cache.set(ref, cached);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as number);
    return cached;
  }

  /** Every update of the signal, oldest first; updates from before refs existed (null ref) came first. */
  private history(signalId: string): SignalUpdate[] {
    return this.deps.db.select().from(signalUpdates).where(eq(signalUpdates.signalId, signalId))
      .orderBy(sql`${signalUpdates.ref} IS NOT NULL`, asc(signalUpdates.ref), asc(signalUpdates.createdAt), asc(signalUpdates.id)).all().map(toUpdate);
  }
}
