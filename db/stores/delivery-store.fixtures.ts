// Test helpers for the delivery engine's tests: signal and delivery rows written straight into SQLite.
import { eq } from 'drizzle-orm';
import type { ContentKind } from '../../core/types';
import type { Db } from '../client';
import { deliveries, destinations, signals, type DeliveryRow } from '../schema';

let counter = 0;
/** Made-up refs of signals that do not exist: negative, so no real signal (refs count up from 1) has one. */
const missingRefs = new Map<string, number>();

/** Inserts a signal and returns its id. */
export function insertSignal(db: Db, fields: { id?: string; symbol?: string; createdAt?: number; rationaleText?: string } = {}): string {
  const id = fields.id ?? `sig_test_${++counter}`;
  db.insert(signals).values({
    id,
    publisherId: `pub_${id}`,
    symbol: fields.symbol ?? 'BTCUSDT',
    market: 'crypto',
    side: 'long',
    conviction: 0.82,
    band: 'A',
    reasons: ['Breakout above the weekly range', 'Funding turned negative'],
    entry: 100,
    stop: 95,
    targets: [110, 120],
    horizon: '3d',
    rationaleText: fields.rationaleText ?? null,
    createdAt: new Date(fields.createdAt ?? Date.UTC(2026, 0, 5, 12, 0, 0)),
  }).run();
  return id;
}

export interface DeliveryFields {
  /** The destination's public id; the row stores the destination's ref. */
  destinationId: string;
  /** The signal's public id; the row stores its ref. An id no signal has stands for content that is gone. Default: such an id. */
  contentId?: string;
  contentType?: string;
  kind?: ContentKind;
  priority?: number;
  dueAt: number;
  state?: DeliveryRow['state'];
  attempts?: number;
  /** Both set: the row counts toward this account's daily cap on that UTC day. */
  capAccountId?: string | null;
  capDay?: string | null;
  /** An alert not sent by then expires; default: never. */
  expiresAt?: number | null;
}

/** Inserts a delivery row and returns its id. */
export function insertDelivery(db: Db, f: DeliveryFields): number {
  const destination = db.select({ ref: destinations.ref, platform: destinations.platform }).from(destinations).where(eq(destinations.id, f.destinationId)).get();
  if (destination === undefined) throw new Error(`no destination ${f.destinationId}`);
  const { ref, platform } = destination;
  const row = db.insert(deliveries).values({
    contentType: f.contentType ?? 'signal',
    contentRef: signalRef(db, f.contentId ?? `sig_missing_${++counter}`),
    kind: f.kind ?? 'alert',
    destinationRef: ref,
    platform,
    capAccountId: f.capAccountId ?? null,
    capDay: f.capDay ?? null,
    priority: f.priority ?? 0,
    dueAt: f.dueAt,
    state: f.state ?? 'pending',
    attempts: f.attempts ?? 0,
    expiresAt: f.expiresAt ?? null,
    createdAt: f.dueAt,
    updatedAt: f.dueAt,
  }).returning({ id: deliveries.id }).get();
  return row.id;
}

/** The ref of the signal with this public id; for an id no signal has, a made-up ref no signal has (the same for the same id). */
export function signalRef(db: Db, signalId: string): number {
  const ref = db.select({ ref: signals.ref }).from(signals).where(eq(signals.id, signalId)).get()?.ref;
  if (ref !== undefined) return ref;
  let missing = missingRefs.get(signalId);
  if (missing === undefined) {
    missing = -(missingRefs.size + 1);
    missingRefs.set(signalId, missing);
  }
  return missing;
}

export function getDelivery(db: Db, id: number): DeliveryRow {
  const row = db.select().from(deliveries).where(eq(deliveries.id, id)).get();
  if (!row) throw new Error(`no delivery ${id}`);
  return row;
}
