// Builds 'snapshot' deliveries' messages from the snapshots table: title, text, the chart when it was drawn, and the disclaimer.
import type { Statement } from 'better-sqlite3';
import type { ContentBuilder } from '../../core/delivery/content-registry';
import type { DueDelivery } from '../../core/delivery/ports';
import { SignalcastError } from '../../core/errors';
import type { ChartImage, OutboundMessage } from '../../core/types';
import type { Db } from '../client';
import type { SnapshotMessageRow } from './snapshot-store';

type Row = SnapshotMessageRow;

/** The 'snapshot' content type; a snapshot's content id is "snapshot#<ref>". One day's snapshot goes to thousands: the last one read is kept. */
export class SqliteSnapshotContent implements ContentBuilder<OutboundMessage> {
  private readonly stmt: Statement<[number], Row>;
  private last: { ref: number; message: OutboundMessage } | undefined;

  constructor(private readonly deps: { db: Db; disclaimer?: string | null | undefined }) {
    this.stmt = deps.db.$client.prepare<[number], Row>('SELECT title, text, png, png_width, png_height, png_alt FROM snapshots WHERE ref = ?');
  }

  build(delivery: DueDelivery): OutboundMessage {
    const ref = Number(/^snapshot#(\d+)$/.exec(delivery.contentId)?.[1]);
    if (this.last?.ref === ref) return this.last.message;
    const row = Number.isInteger(ref) ? this.stmt.get(ref) : undefined;
    if (!row) throw new SignalcastError('not_found', `snapshot ${delivery.contentId} does not exist`);
    const chart: ChartImage | undefined = row.png && row.png_width && row.png_height
      ? { png: new Uint8Array(row.png), width: row.png_width, height: row.png_height, alt: row.png_alt ?? '' }
      : undefined;
    const disclaimer = this.deps.disclaimer ?? undefined;
    const message: OutboundMessage = { kind: 'snapshot', title: row.title, text: row.text, chart, disclaimer };
    this.last = { ref, message };
    return message;
  }
}
