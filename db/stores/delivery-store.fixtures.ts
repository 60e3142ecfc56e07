// Test helpers for the delivery engine's tests: signal and delivery rows written straight into SQLite.
import { eq } from 'drizzle-orm';
import type { ContentKind } from '../../core/types';
import type { Db } from '../client';
import { deliveries, signals, type DeliveryRow } from '../schema';

let counter = 0;

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
  destinationId: string;
  recipientKey: string;
  platform?: string;
  contentId?: string;
  contentType?: string;
  kind?: ContentKind;
  priority?: number;
  dueAt: number;
  state?: DeliveryRow['state'];
  attempts?: number;
  accountId?: string | null;
}

/** Inserts a delivery row and returns its id. */
export function insertDelivery(db: Db, f: DeliveryFields): number {
  const row = db.insert(deliveries).values({
    contentType: f.contentType ?? 'signal',
    contentId: f.contentId ?? `sig_missing_${++counter}`,
    kind: f.kind ?? 'alert',
    destinationId: f.destinationId,
    accountId: f.accountId ?? null,
    platform: f.platform ?? f.recipientKey.split(':')[0]!,
    recipientKey: f.recipientKey,
    priority: f.priority ?? 0,
    dueAt: f.dueAt,
    utcDay: new Date(f.dueAt).toISOString().slice(0, 10),
    state: f.state ?? 'pending',
    attempts: f.attempts ?? 0,
    createdAt: f.dueAt,
    updatedAt: f.dueAt,
  }).returning({ id: deliveries.id }).get();
  return row.id;
}

export function getDelivery(db: Db, id: number): DeliveryRow {
  const row = db.select().from(deliveries).where(eq(deliveries.id, id)).get();
  if (!row) throw new Error(`no delivery ${id}`);
  return row;
}
