// Refuses a signature seen before within its validity window: a captured signed request cannot be sent twice.
import type { Clock } from '../core/clock';

/** Remembers accepted signatures until they could no longer pass the time check. */
export class ReplayGuard {
  /** Signature id -> when it stops mattering (ms). Insertion order is roughly expiry order. */
  private readonly seen = new Map<string, number>();

  constructor(private readonly options: { clock: Clock; windowMs: number; maxEntries?: number }) {}

  /**
   * Claims a signature for one request: false when it was claimed before and is still inside its
   * window. `signedAtMs` is the signature's own time.
   */
  claim(id: string, signedAtMs: number): boolean {
    const now = this.options.clock.now();
    this.prune(now);
    const until = this.seen.get(id);
    if (until !== undefined && until > now) return false;
    // Full of live entries: the oldest is forgotten, which reopens it for the rest of its window
    // (more signed requests in one window than the ingest rate limit lets through by default).
    if (this.seen.size >= (this.options.maxEntries ?? 100_000)) this.seen.delete(this.seen.keys().next().value as string);
    this.seen.set(id, signedAtMs + this.options.windowMs);
    return true;
  }

  /** Gives a claim back: the request it admitted failed before storing anything, so the sender may retry it as signed. */
  release(id: string): void {
    this.seen.delete(id);
  }

  get size(): number {
    return this.seen.size;
  }

  private prune(now: number): void {
    for (const [id, until] of this.seen) {
      if (until > now) break;
      this.seen.delete(id);
    }
  }
}
