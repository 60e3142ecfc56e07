// Builds signal deliveries' messages from SQLite: alerts (with how late a delayed plan's is) and rationales (threaded on the alert, only after it).
import { eq } from 'drizzle-orm';
import type { Statement } from 'better-sqlite3';
import { ContentNotReadyError, ContentWithdrawnError } from '../../core/delivery/content';
import type { ContentBuilder } from '../../core/delivery/content-registry';
import type { DueDelivery } from '../../core/delivery/ports';
import { SignalcastError } from '../../core/errors';
import { DELIVERY_PRIORITY } from '../../core/planning/types';
import type { OutboundMessage, RationaleBody, Signal } from '../../core/types';
import type { Db } from '../client';
import { signals } from '../schema';
import { toSignal } from './signal-store';

const MINUTE_MS = 60_000;

/** The plan's protectContent, as planned into the delivery (left out when off). */
const protect = (delivery: DueDelivery) => (delivery.protectContent ? { protectContent: true } : {});

/** The signal's alert at one destination, as the threading rule reads it. */
interface AlertRow {
  state: string;
  platformMessageId: string | null;
  dueAt: number;
}

/** A stored rationale: its text, and its structure when it was stored with one. */
interface RationaleRow {
  text: string | null;
  json: string | null;
}

/** A loaded signal and its ref, the integer key its deliveries point at. */
interface CachedSignal {
  signal: Signal;
  ref: number;
}

/**
 * How late an alert of `priority` sent at `at` is, in whole minutes, for its "sent N min later": only
 * a delayed plan's alert says it (a real-time alert held by quiet hours or a limit does not).
 */
export function alertDelayedMinutes(priority: number, signal: Pick<Signal, 'createdAt'>, at: number): number | undefined {
  const late = Math.floor((at - signal.createdAt.getTime()) / MINUTE_MS);
  const delayed = priority >= DELIVERY_PRIORITY.delayed && priority < DELIVERY_PRIORITY.snapshot;
  return delayed && late > 0 ? late : undefined;
}

/** The 'signal' content type. A fan-out to thousands of recipients loads its signal once (a small LRU cache). */
export class SqliteSignalContent implements ContentBuilder<OutboundMessage> {
  private readonly cache = new Map<string, CachedSignal>();
  private readonly cacheSize: number;
  private readonly rationaleStmt: Statement<[number], RationaleRow>;
  private readonly alertStmt: Statement<[number, string], AlertRow>;
  private readonly exitedStmt: Statement<[string], number>;

  /** `disclaimer`: the line under every rationale (DISCLAIMER); none when null or absent. */
  constructor(private readonly deps: { db: Db; cacheSize?: number | undefined; disclaimer?: string | null | undefined }) {
    this.cacheSize = deps.cacheSize ?? 256;
    const sqlite = deps.db.$client;
    // One probe of signal_updates_signal_idx.
    this.exitedStmt = sqlite.prepare<[string], number>("SELECT 1 FROM signal_updates WHERE signal_id = ? AND kind IN ('stopped', 'closed') LIMIT 1").pluck(true);
    this.rationaleStmt = sqlite.prepare<[number], RationaleRow>('SELECT rationale_text AS text, rationale_json AS json FROM signals WHERE ref = ?');
    // One probe of deliveries_content_destination_kind_idx (content_ref, destination_ref, kind).
    this.alertStmt = sqlite.prepare<[number, string], AlertRow>(`SELECT state, platform_message_id AS platformMessageId, due_at AS dueAt FROM deliveries
      WHERE content_ref = ? AND destination_ref = (SELECT ref FROM destinations WHERE id = ?) AND kind = 'alert'`);
  }

  build(delivery: DueDelivery, now: number): OutboundMessage {
    const { signal, ref } = this.signal(delivery.contentId);
    switch (delivery.kind) {
      case 'alert': {
        return { kind: 'alert', signal, delayedMinutes: alertDelayedMinutes(delivery.priority, signal, now), ...protect(delivery) };
      }
      case 'rationale': {
        const replyToMessageId = this.sentAlert(signal.id, ref, delivery.destinationId, now);
        // The signal was stopped or closed before its reasoning could go: "Why long …" after "Stopped at …" would mislead.
        if (this.exitedStmt.get(signal.id) !== undefined) throw new ContentWithdrawnError('signal_exited', `signal ${signal.id} was stopped or closed before its rationale went out`);
        const { text, rationale } = this.rationale(signal.id, ref);
        const disclaimer = this.deps.disclaimer ? { disclaimer: this.deps.disclaimer } : {};
        return { kind: 'rationale', signal, text, ...(rationale ? { rationale } : {}), ...disclaimer, replyToMessageId, ...protect(delivery) };
      }
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
   * Read fresh each time, by ref. Its rows wait until it is written, so a missing one here is a row
   * from before that rule: a conflict, retried like a temporary failure.
   */
  private rationale(signalId: string, ref: number): { text: string; rationale: RationaleBody | undefined } {
    const row = this.rationaleStmt.get(ref);
    if (!row?.text) throw new SignalcastError('conflict', `the rationale of signal ${signalId} is not written yet`);
    return { text: row.text, rationale: row.json ? (JSON.parse(row.json) as RationaleBody) : undefined };
  }

  /**
   * The threading rule: the alert's platform message id once it was sent here; not ready while it
   * is on its way (pending, sending, or held for the quiet-hours digest); withdrawn when it was
   * skipped, died, expired, was superseded or was never planned,
   * so nobody gets the reasoning of an alert they did not receive, nor before it.
   */
  private sentAlert(signalId: string, ref: number, destinationId: string, now: number): string | undefined {
    const alert = this.alertStmt.get(ref, destinationId);
    if (alert?.state === 'sent') return alert.platformMessageId ?? undefined;
    if (alert?.state === 'pending' || alert?.state === 'sending' || alert?.state === 'held') {
      throw new ContentNotReadyError(`the alert of signal ${signalId} is not sent to ${destinationId} yet`, Math.max(1_000, alert.dueAt - now));
    }
    throw new ContentWithdrawnError('alert_not_delivered', `the alert of signal ${signalId} was not delivered to ${destinationId} (${alert?.state ?? 'never planned'})`);
  }
}
