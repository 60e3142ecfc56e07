// Builds update deliveries' messages from SQLite: the update, every update of its signal so far, threaded on the alert sent to that destination.
import { asc, eq, sql } from 'drizzle-orm';
import type { Statement } from 'better-sqlite3';
import { ContentNotReadyError, ContentWithdrawnError } from '../../core/delivery/content';
import type { ContentBuilder } from '../../core/delivery/content-registry';
import type { DueDelivery } from '../../core/delivery/ports';
import { SignalcastError } from '../../core/errors';
import type { OutboundMessage, Signal, SignalUpdate } from '../../core/types';
import type { Db } from '../client';
import { signals, signalUpdates } from '../schema';
import { alertDelayedMinutes } from './signal-content';
import { toSignal, toUpdate } from './signal-store';

/** An update as its messages need it, loaded once for a whole fan-out. */
interface CachedUpdate {
  signal: Signal;
  signalRef: number;
  update: SignalUpdate;
  /** Every update of the signal when last read, oldest first (this one and any stored after it). */
  updates: SignalUpdate[];
}

interface AlertState {
  state: string;
  platform_message_id: string | null;
  due_at: number;
  priority: number;
  sent_at: number | null;
  /** The message id of the quiet-hours digest of the alert's window at that destination (null: none, or not sent). */
  digest_message_id: string | null;
}

const SECOND_MS = 1_000;

/**
 * The 'update' content type; an update's content id is "update#<ref>" (signal_updates.ref). Follows
 * the threading rule: the alert of the same signal at the same destination sent: a reply to it;
 * still pending, held (for the quiet-hours digest) or sending: not yet (ContentNotReadyError, until
 * the alert's due time); skipped, dead, expired, superseded or never planned: withdrawn
 * (ContentWithdrawnError 'alert_not_delivered'), so nobody gets an update of an alert they did not
 * receive, nor before it.
 */
export class SqliteUpdateContent implements ContentBuilder<OutboundMessage> {
  private readonly cache = new Map<number, CachedUpdate>();
  private readonly cacheSize: number;
  private readonly alertStmt: Statement<[number, string], AlertState>;
  private readonly countStmt: Statement<[string], number>;

  constructor(private readonly deps: { db: Db; cacheSize?: number | undefined }) {
    this.cacheSize = deps.cacheSize ?? 256;
    const sqlite = deps.db.$client;
    // One probe of deliveries_content_destination_kind_idx (content_ref, destination_ref, kind).
    // The digest, if any: one probe of the same index (its content_ref is the alert's due minute).
    this.alertStmt = sqlite.prepare(`SELECT state, platform_message_id, due_at, priority, sent_at,
        (SELECT g.platform_message_id FROM deliveries g WHERE g.content_ref = deliveries.due_at / 60000 AND g.destination_ref = deliveries.destination_ref
          AND g.kind = 'digest') AS digest_message_id FROM deliveries
      WHERE content_ref = ? AND destination_ref = (SELECT ref FROM destinations WHERE id = ?) AND kind = 'alert' AND content_type = 'signal'`);
    // One probe of signal_updates_signal_idx: has the signal had updates since its history was read?
    this.countStmt = sqlite.prepare<[string], number>('SELECT count(*) FROM signal_updates WHERE signal_id = ?').pluck();
  }

  build(delivery: DueDelivery, now: number): OutboundMessage {
    if (delivery.kind !== 'update') throw new SignalcastError('not_found', `updates have no ${delivery.kind} content`);
    const { signal, signalRef, update, updates } = this.current(this.load(delivery.contentId));
    // Read fresh each time: the alert moves on while its updates wait.
    const alert = this.alertStmt.get(signalRef, delivery.destinationId);
    // Held for the quiet-hours digest: not yet, like pending (due at the window's end).
    if (alert?.state === 'pending' || alert?.state === 'held' || alert?.state === 'sending') {
      throw new ContentNotReadyError(`the alert of signal ${signal.id} is not sent to ${delivery.destinationId} yet`, Math.max(SECOND_MS, alert.due_at - now));
    }
    if (alert?.state !== 'sent') {
      throw new ContentWithdrawnError('alert_not_delivered', `the alert of signal ${signal.id} was not delivered to ${delivery.destinationId} (${alert?.state ?? 'never planned'})`);
    }
    // The alert said how late it went (its send time is as near as the store has to its build's).
    const late = alert.sent_at === null ? undefined : alertDelayedMinutes(alert.priority, signal, alert.sent_at);
    return {
      kind: 'update', signal, update, updates,
      ...(alert.platform_message_id ? { replyToMessageId: alert.platform_message_id } : {}),
      // Its alert went in a quiet-hours digest: the reply is threaded on the digest, whose text is no alert to mark.
      ...(alert.platform_message_id && alert.platform_message_id === alert.digest_message_id ? { replyToDigest: true } : {}),
      ...(late ? { alertDelayedMinutes: late } : {}),
      ...(delivery.protectContent ? { protectContent: true } : {}),
    };
  }

  /**
   * The cached update with its signal's history as it stands now: an update sent late (a retry, a
   * delayed alert) after a later one must not mark the alert with an older status than that one did.
   */
  private current(cached: CachedUpdate): CachedUpdate {
    if (this.countStmt.get(cached.signal.id) !== cached.updates.length) cached.updates = this.history(cached.signal.id);
    return cached;
  }

  /** Every update of the signal, oldest first; updates from before refs existed (null ref) came first. */
  private history(signalId: string): SignalUpdate[] {
    return this.deps.db.select().from(signalUpdates).where(eq(signalUpdates.signalId, signalId))
      .orderBy(sql`${signalUpdates.ref} IS NOT NULL`, asc(signalUpdates.ref), asc(signalUpdates.createdAt), asc(signalUpdates.id)).all().map(toUpdate);
  }

  private load(contentId: string): CachedUpdate {
    const ref = Number(/^update#(\d+)$/.exec(contentId)?.[1]);
    const cached = this.cache.get(ref);
    if (cached) {
      // Refresh its place: the cache drops the least recently used.
      this.cache.delete(ref);
      this.cache.set(ref, cached);
      return cached;
    }
    const { db } = this.deps;
    const row = Number.isInteger(ref) ? db.select().from(signalUpdates).where(eq(signalUpdates.ref, ref)).get() : undefined;
    if (!row) throw new SignalcastError('not_found', `update ${contentId} does not exist`);
    const signalRow = db.select().from(signals).where(eq(signals.id, row.signalId)).get();
    if (!signalRow) throw new SignalcastError('not_found', `signal ${row.signalId} of update ${row.id} does not exist`);
    const loaded: CachedUpdate = { signal: toSignal(signalRow), signalRef: signalRow.ref, update: toUpdate(row), updates: this.history(row.signalId) };
    this.cache.set(ref, loaded);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as number);
    return loaded;
  }
}
