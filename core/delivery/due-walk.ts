// One direction of the dispatcher's walk over due rows: pages read on demand, a cursor, and a jump past a priority.
import type { PlatformName } from '../types';
import type { DeliveryStore, DueCursor, DueDelivery, DueOrder } from './ports';

/** Cursors no row comes after within their priority: the walk goes on with the next priority. */
function endOf(priority: number, order: DueOrder, now: number): DueCursor {
  return order === 'newest'
    ? { priority, dueAt: Number.MIN_SAFE_INTEGER, id: 0 }
    : { priority, dueAt: now, id: Number.MAX_SAFE_INTEGER };
}

/**
 * Due rows in one order (priorities ascending; within one, oldest or newest first), read a page at a
 * time as they are looked at. `platforms` and `pageSize` are asked at each read: a platform whose
 * overall window filled drops out of the next page.
 */
export class DueWalk {
  private rows: DueDelivery[] = [];
  private next = 0;
  private cursor: DueCursor | undefined;
  private ended = false;

  constructor(
    private readonly store: DeliveryStore,
    readonly order: DueOrder,
    private readonly now: number,
    private readonly platforms: () => readonly PlatformName[],
    private readonly pageSize: () => number,
  ) {}

  /** The next row, or undefined when no due row is left in this order. */
  async peek(): Promise<DueDelivery | undefined> {
    while (this.next >= this.rows.length) {
      if (this.ended) return undefined;
      const platforms = this.platforms();
      const limit = Math.max(1, this.pageSize());
      if (platforms.length === 0) {
        this.ended = true;
        return undefined;
      }
      this.rows = await this.store.findDue({ now: this.now, platforms, limit, after: this.cursor, order: this.order });
      this.next = 0;
      if (this.rows.length < limit) this.ended = true;
    }
    return this.rows[this.next];
  }

  /** Moves past the row `peek` gave. */
  take(): void {
    const row = this.rows[this.next++];
    if (row) this.cursor = { priority: row.priority, dueAt: row.dueAt, id: row.id };
  }

  /** Moves past every row of this priority: the other walk looked at the rest of it. */
  skipPriority(priority: number): void {
    while (this.next < this.rows.length && (this.rows[this.next] as DueDelivery).priority <= priority) this.next++;
    if (this.next < this.rows.length || this.ended) return;
    this.cursor = endOf(priority, this.order, this.now);
  }
}
