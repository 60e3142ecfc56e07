// Builds signal deliveries' messages from SQLite: alerts (with how late a delayed plan's is) and rationales (as a reply to the alert).
import { eq } from 'drizzle-orm';
import type { Statement } from 'better-sqlite3';
import type { ContentBuilder } from '../../core/delivery/content-registry';
import type { DueDelivery } from '../../core/delivery/ports';
import { SignalcastError } from '../../core/errors';
import { DELIVERY_PRIORITY } from '../../core/planning/types';
import type { OutboundMessage, Signal } from '../../core/types';
import type { Db } from '../client';
import { signals } from '../schema';
import { toSignal } from './signal-store';

const MINUTE_MS = 60_000;

/** The plan's protectContent, as planned into the delivery (left out when off). */
const protect = (delivery: DueDelivery) => (delivery.protectContent ? { protectContent: true } : {});

/** A loaded signal and its ref, the integer key its deliveries point at. */
interface CachedSignal {
  signal: Signal;
  ref: number;
}

/** The 'signal' content type. A fan-out to thousands of recipients loads its signal once (a small LRU cache). */
export class SqliteSignalContent implements ContentBuilder<OutboundMessage> {
  private readonly cache = new Map<string, CachedSignal>();
  private readonly cacheSize: number;
  private readonly rationaleStmt: Statement<[number], string | null>;
  private readonly alertMessageStmt: Statement<[number, string], string | null>;

  constructor(private readonly deps: { db: Db; cacheSize?: number | undefined }) {
    this.cacheSize = deps.cacheSize ?? 256;
    const sqlite = deps.db.$client;
    this.rationaleStmt = sqlite.prepare<[number], string | null>('SELECT rationale_text FROM signals WHERE ref = ?').pluck(true);
    // One probe of deliveries_content_destination_kind_idx (content_ref, destination_ref, kind).
    this.alertMessageStmt = sqlite.prepare<[number, string], string | null>(`SELECT platform_message_id FROM deliveries
      WHERE content_ref = ? AND destination_ref = (SELECT ref FROM destinations WHERE id = ?) AND kind = 'alert'`).pluck(true);
  }

  build(delivery: DueDelivery, now: number): OutboundMessage {
    const { signal, ref } = this.signal(delivery.contentId);
    switch (delivery.kind) {
      case 'alert': {
        const late = Math.floor((now - signal.createdAt.getTime()) / MINUTE_MS);
        const delayed = delivery.priority >= DELIVERY_PRIORITY.delayed && delivery.priority < DELIVERY_PRIORITY.snapshot;
        return { kind: 'alert', signal, delayedMinutes: delayed && late > 0 ? late : undefined, ...protect(delivery) };
      }
      case 'rationale':
        return { kind: 'rationale', signal, text: this.rationale(signal.id, ref), replyToMessageId: this.alertMessageId(ref, delivery.destinationId), ...protect(delivery) };
      default:
        throw new SignalcastError('not_found', `signals have no ${delivery.kind} content`);
    }
  }

  private signal(id: string): CachedSignal {
    const cached = this.cache.get(id);
    if (cached) {
      // Refresh its place: the cache drops the least recently used.
      this.cache.delete(id);
      this.cache.set(id, cached);
      return cached;
    }
    const row = this.deps.db.select().from(signals).where(eq(signals.id, id)).get();
    if (!row) throw new SignalcastError('not_found', `signal ${id} does not exist`);
    const loaded = { signal: toSignal(row), ref: row.ref };
    this.cache.set(id, loaded);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
    return loaded;
  }

  /**
   * Read fresh each time, by ref. Publishing plans a rationale only once its text exists, so a
   * missing one here is a row from before that rule: a conflict, retried like a temporary failure.
   */
  private rationale(signalId: string, ref: number): string {
    const text = this.rationaleStmt.get(ref);
    if (!text) throw new SignalcastError('conflict', `the rationale of signal ${signalId} is not written yet`);
    return text;
  }

  /** The platform's id of the signal's alert at that destination, if one was sent. */
  private alertMessageId(ref: number, destinationId: string): string | undefined {
    return this.alertMessageStmt.get(ref, destinationId) ?? undefined;
  }
}
