// The kept candidates: the columns as built, and an overlay of the destinations re-read since, merged in ref order.
import type { Candidate } from '../../core/planning/types';
import type { PlatformName } from '../../core/types';
import type { CandidateColumns } from './candidate-columns';
import type { CachedAccount, CachedCandidate } from './candidate-rows';

/** Some kept candidates above a cursor, and whether more follow. */
export interface KeptSlice {
  slice: CachedCandidate[];
  more: boolean;
}

/**
 * The columns (immutable once built) and what changed since: a re-read candidate replaces the
 * column's by ref, null removes it. Nothing is moved in the columns per change; the overlay is
 * folded by building them again (see CandidateCache) once it passes its bound.
 */
export class KeptCandidates {
  /** ref → the candidate re-read, or null: no longer a candidate. */
  private readonly overlay = new Map<number, Candidate | null>();
  /** The overlay's refs by destination id, for a destination deleted after it was re-read. */
  private readonly overlayRefs = new Map<string, number>();
  /** The overlay's refs in ascending order; null: sort again. */
  private sorted: number[] | null = null;

  constructor(private readonly columns: CandidateColumns) {}

  /** Destinations re-read or removed since the columns were built. */
  get overlaySize(): number {
    return this.overlay.size;
  }

  get size(): number {
    let n = this.columns.length;
    for (const [ref, c] of this.overlay) {
      const inColumns = this.columns.indexOfRef(ref) >= 0;
      if (c === null && inColumns) n--;
      else if (c !== null && !inColumns) n++;
    }
    return n;
  }

  /** The ref of a kept (or once kept) destination. */
  refOf(destinationId: string): number | undefined {
    return this.overlayRefs.get(destinationId) ?? this.columns.refOf(destinationId);
  }

  /** Puts a re-read candidate in. */
  put(ref: number, candidate: Candidate): void {
    if (!this.overlay.has(ref)) this.sorted = null;
    this.overlay.set(ref, candidate);
    this.overlayRefs.set(candidate.destinationId, ref);
  }

  /** Takes a destination out (disabled, deleted, no longer taking alerts). */
  remove(destinationId: string): void {
    const ref = this.refOf(destinationId);
    // Unknown, or its ref now holds another id (a destination whose id changed, re-read under the new one).
    if (ref === undefined || (this.overlay.get(ref)?.destinationId ?? destinationId) !== destinationId) return;
    this.overlayRefs.delete(destinationId);
    if (this.columns.indexOfRef(ref) >= 0) {
      if (!this.overlay.has(ref)) this.sorted = null;
      this.overlay.set(ref, null);
    } else if (this.overlay.delete(ref)) {
      this.sorted = null;
    }
  }

  /** The candidates above `cursor` in ascending ref, at most `limit`, and whether more remain. */
  after(cursor: number, limit: number): KeptSlice {
    const sorted = (this.sorted ??= [...this.overlay.keys()].sort((a, b) => a - b));
    const columns = this.columns;
    let i = columns.firstAbove(cursor);
    let j = firstAbove(sorted, cursor);
    const accounts = new Map<number, CachedAccount>();
    const slice: CachedCandidate[] = [];
    while (i < columns.length || j < sorted.length) {
      const columnRef = i < columns.length ? columns.refAt(i) : Infinity;
      const overlayRef = j < sorted.length ? (sorted[j] as number) : Infinity;
      if (overlayRef <= columnRef) {
        // The overlay's candidate replaces (or removes) the column's of the same ref.
        if (overlayRef === columnRef) i++;
        j++;
        const candidate = this.overlay.get(overlayRef) ?? null;
        if (candidate === null) continue;
        if (slice.length === limit) return { slice, more: true };
        slice.push({ ref: overlayRef, candidate });
      } else {
        if (slice.length === limit) return { slice, more: true };
        slice.push(columns.at(i, accounts));
        i++;
      }
    }
    return { slice, more: false };
  }

  /** Candidates per platform. */
  countsByPlatform(): Map<PlatformName, number> {
    const counts = new Map<PlatformName, number>();
    const add = (platform: string, n: number) => counts.set(platform as PlatformName, (counts.get(platform as PlatformName) ?? 0) + n);
    for (const [platform, n] of this.columns.counts) add(platform, n);
    for (const [ref, c] of this.overlay) {
      const i = this.columns.indexOfRef(ref);
      if (i >= 0) add(this.columns.platformAt(i), -1);
      if (c !== null) add(c.platform, 1);
    }
    for (const [platform, n] of counts) if (n === 0) counts.delete(platform);
    return counts;
  }
}

function firstAbove(sorted: readonly number[], cursor: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= cursor) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
