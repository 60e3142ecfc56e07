// Builds the message for a delivery from the database: signals loaded once and kept in a small cache.
import { and, eq } from 'drizzle-orm';
import type { ContentResolver } from '../../core/delivery/content';
import type { DueDelivery } from '../../core/delivery/ports';
import { SignalcastError } from '../../core/errors';
import { DELIVERY_PRIORITY } from '../../core/planning/types';
import type { OutboundMessage, Signal } from '../../core/types';
import type { Db } from '../client';
import { deliveries, destinations, signals } from '../schema';
import { toSignal } from './signal-store';

const MINUTE_MS = 60_000;

/**
 * Resolves signal deliveries: alerts (with how late a delayed plan's alert
 * is) and rationales (as a reply to the alert already sent there). A fan-out
 * to thousands of recipients loads its signal once.
 */
export class SqliteContentResolver implements ContentResolver {
  private readonly cache = new Map<string, Signal>();
  private readonly cacheSize: number;

  constructor(private readonly deps: { db: Db; cacheSize?: number }) {
    this.cacheSize = deps.cacheSize ?? 256;
  }

  resolve(delivery: DueDelivery, now: number): OutboundMessage {
    if (delivery.contentType !== 'signal') {
      throw new SignalcastError('not_found', `no content resolver for ${delivery.contentType} deliveries`);
    }
    const signal = this.signal(delivery.contentId);
    switch (delivery.kind) {
      case 'alert': {
        const late = Math.floor((now - signal.createdAt.getTime()) / MINUTE_MS);
        const delayed = delivery.priority >= DELIVERY_PRIORITY.delayed && delivery.priority < DELIVERY_PRIORITY.snapshot;
        return { kind: 'alert', signal, delayedMinutes: delayed && late > 0 ? late : undefined };
      }
      case 'rationale':
        return { kind: 'rationale', signal, text: this.rationale(signal.id), replyToMessageId: this.alertMessageId(delivery) };
      default:
        throw new SignalcastError('not_found', `signals have no ${delivery.kind} content`);
    }
  }

  private signal(id: string): Signal {
    const cached = this.cache.get(id);
    if (cached) {
      // Refresh its place: the cache drops the least recently used.
      this.cache.delete(id);
      this.cache.set(id, cached);
      return cached;
    }
    const row = this.deps.db.select().from(signals).where(eq(signals.id, id)).get();
    if (!row) throw new SignalcastError('not_found', `signal ${id} does not exist`);
    const signal = toSignal(row);
    this.cache.set(id, signal);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
    return signal;
  }

  /** Read fresh each time: the rationale is written after the signal, often after it was cached. */
  private rationale(signalId: string): string {
    const row = this.deps.db.select({ text: signals.rationaleText }).from(signals).where(eq(signals.id, signalId)).get();
    if (!row?.text) throw new SignalcastError('conflict', `the rationale of signal ${signalId} is not written yet`);
    return row.text;
  }

  private alertMessageId(delivery: DueDelivery): string | undefined {
    const row = this.deps.db.select({ messageId: deliveries.platformMessageId }).from(deliveries)
      .innerJoin(destinations, eq(destinations.ref, deliveries.destinationRef))
      .where(and(eq(deliveries.contentId, delivery.contentId), eq(destinations.id, delivery.destinationId), eq(deliveries.kind, 'alert')))
      .get();
    return row?.messageId ?? undefined;
  }
}
