// The kept candidates as columns: typed arrays, interned small strings and byte buffers of ids, ~200 bytes a candidate instead of ~800 as objects.
import type { CachedAccount, CachedCandidate, CandidateRow } from './candidate-rows';
import { toAccount, toCandidate } from './candidate-rows';
import { grown, HashIndex, hashBytes, Interned, TextColumn, trimmed, untime, time, type Typed } from './column-parts';

/**
 * Candidates in ascending ref, appended from candidate rows in rowid order (`add`, page by page),
 * then `finish`ed. An account shared by several destinations is stored once; `at` materializes a
 * range with one account object per account within it.
 */
export class CandidateColumns {
  length = 0;
  private accounts = 0;
  private subs = 0;
  private readonly interned = new Interned();
  // Per candidate.
  private refs: Float64Array;
  private platform: Uint16Array;
  private plan: Uint16Array;
  private direct: Uint8Array;
  private account: Int32Array;
  /** Candidate i's id is text[start[i], mid[i]), its recipient key text[mid[i], start[i + 1]). */
  private start: Int32Array;
  private mid: Int32Array;
  private readonly text: TextColumn;
  private readonly filters = new Map<number, string>();
  // Per account: its id, its subscriptions subFrom[a]..subFrom[a + 1], its settings when not the defaults.
  private accountStart: Int32Array;
  private subFrom: Int32Array;
  private readonly accountText: TextColumn;
  private readonly settings = new Map<number, string>();
  // Per subscription.
  private subStart: Int32Array;
  private readonly subText: TextColumn;
  private subPlan: Uint16Array;
  private subStatus: Uint16Array;
  /** Bit 0: cancel at period end; bit 1: a grant. */
  private subFlags: Uint8Array;
  private periodEnd: Float64Array;
  private trialEnd: Float64Array;
  private pastDueSince: Float64Array;
  private revokedAt: Float64Array;
  /** Candidates by their id's hash. */
  private readonly byId: HashIndex;
  /** While building: accounts by their id's hash. */
  private accountIndex: HashIndex | null;
  /** An id encoded for a lookup. */
  private scratch = Buffer.allocUnsafe(256);
  private lastId: string | null = null;
  private freshAccount = -1;

  /** Platforms and their candidates, counted once finished. */
  private platformCounts = new Map<string, number>();

  /** `expected`: about how many candidates (and subscriptions) will be added; the arrays start that large. */
  constructor(expected = 1_024) {
    const e = Math.max(16, expected);
    // Sized for typical ids and keys up front, so that a build does not copy its text as it grows (each copy briefly
    // holds both); pages never written are never resident.
    this.text = new TextColumn(e * 48);
    this.accountText = new TextColumn(e * 32);
    this.subText = new TextColumn(e * 32);
    this.refs = new Float64Array(e);
    this.platform = new Uint16Array(e);
    this.plan = new Uint16Array(e);
    this.direct = new Uint8Array(e);
    this.account = new Int32Array(e);
    this.start = new Int32Array(e + 1);
    this.mid = new Int32Array(e);
    this.accountStart = new Int32Array(e + 1);
    this.subFrom = new Int32Array(e + 1);
    this.subStart = new Int32Array(e + 1);
    this.subPlan = new Uint16Array(e);
    this.subStatus = new Uint16Array(e);
    this.subFlags = new Uint8Array(e);
    this.periodEnd = new Float64Array(e);
    this.trialEnd = new Float64Array(e);
    this.pastDueSince = new Float64Array(e);
    this.revokedAt = new Float64Array(e);
    this.byId = new HashIndex(e);
    this.accountIndex = new HashIndex(e);
  }

  /** Appends rows (a destination's rows adjacent, destinations in ascending ref, after those added before). */
  add(rows: Iterable<CandidateRow>): void {
    const accountIndex = this.accountIndex;
    if (accountIndex === null) throw new Error('the candidate columns are finished');
    for (const r of rows) {
      if (r[0] !== this.lastId) {
        this.lastId = r[0];
        let a = -1;
        this.freshAccount = -1;
        if (r[5] !== null) {
          const length = this.encode(r[5]);
          const hash = hashBytes(this.scratch, 0, length);
          a = accountIndex.find(hash, (e) => this.accountText.equals(this.accountStart[e] as number, this.accountStart[e + 1] as number, this.scratch, length));
          if (a < 0) {
            a = this.freshAccount = this.addAccount(r[5], r[6]);
            accountIndex.add(hash);
          }
        }
        this.addCandidate(r, a);
      }
      if (this.freshAccount >= 0 && r[7] !== null) this.addSubscription(r);
    }
  }

  /** Done adding: the arrays shrink to fit and the build's index is dropped. */
  finish(): this {
    for (const _ of this.finishing());
    return this;
  }

  /** `finish` in steps of one copy each (a background build yields between them). */
  *finishing(): Generator<void> {
    const n = this.length;
    const candidateColumns = ['refs', 'platform', 'plan', 'direct', 'account', 'mid'] as const;
    const subColumns = ['subPlan', 'subStatus', 'subFlags', 'periodEnd', 'trialEnd', 'pastDueSince', 'revokedAt'] as const;
    const columns = this as unknown as Record<string, Typed>;
    for (const name of candidateColumns) {
      columns[name] = trimmed(this[name], n);
      yield;
    }
    this.start = trimmed(this.start, n + 1);
    this.accountStart = trimmed(this.accountStart, this.accounts + 1);
    this.subFrom = trimmed(this.subFrom, this.accounts + 1);
    this.subStart = trimmed(this.subStart, this.subs + 1);
    yield;
    for (const name of subColumns) {
      columns[name] = trimmed(this[name], this.subs);
      yield;
    }
    for (const text of [this.text, this.accountText, this.subText]) {
      text.trim();
      yield;
    }
    const counts = new Int32Array(0x10000);
    for (let i = 0; i < n; i++) counts[this.platform[i] as number] = (counts[this.platform[i] as number] as number) + 1;
    counts.forEach((count, p) => {
      if (count > 0) this.platformCounts.set(this.interned.value(p) as string, count);
    });
    this.byId.trim();
    this.accountIndex = null;
  }

  /** Candidates per platform (once finished). */
  get counts(): ReadonlyMap<string, number> {
    return this.platformCounts;
  }

  refAt(i: number): number {
    return this.refs[i] as number;
  }

  platformAt(i: number): string {
    return this.interned.value(this.platform[i] as number) as string;
  }

  /** The index of the first candidate whose ref is above `cursor` (binary search). */
  firstAbove(cursor: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.refs[mid] as number) <= cursor) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The index of the candidate with this ref, or -1. */
  indexOfRef(ref: number): number {
    const i = this.firstAbove(ref - 1);
    return i < this.length && this.refs[i] === ref ? i : -1;
  }

  /** The ref of the destination with this id, if kept. */
  refOf(destinationId: string): number | undefined {
    const length = this.encode(destinationId);
    const i = this.byId.find(hashBytes(this.scratch, 0, length), (e) => this.text.equals(this.start[e] as number, this.mid[e] as number, this.scratch, length));
    return i < 0 ? undefined : (this.refs[i] as number);
  }

  /** Writes an id into the scratch buffer (grown as needed) and gives its length in bytes. */
  private encode(id: string): number {
    if (id.length * 3 > this.scratch.length) this.scratch = Buffer.allocUnsafe(id.length * 3);
    return this.scratch.write(id, 0, 'utf8');
  }

  /** The candidate at index i, its account taken from (or put in) `accounts`, one object per account. */
  at(i: number, accounts: Map<number, CachedAccount>): CachedCandidate {
    const a = this.account[i] as number;
    let account: CachedAccount | null = null;
    if (a >= 0) {
      account = accounts.get(a) ?? null;
      if (account === null) {
        account = this.accountAt(a);
        accounts.set(a, account);
      }
    }
    const from = this.start[i] as number;
    const mid = this.mid[i] as number;
    const candidate = toCandidate(this.direct[i] === 1, this.text.read(from, mid), this.platformAt(i), this.text.read(mid, this.start[i + 1] as number),
      this.interned.value(this.plan[i] as number), account, this.filters.get(i) ?? null);
    return { ref: this.refs[i] as number, candidate };
  }

  private accountAt(a: number): CachedAccount {
    const account = toAccount(this.accountText.read(this.accountStart[a] as number, this.accountStart[a + 1] as number), this.settings.get(a) ?? null);
    for (let s = this.subFrom[a] as number; s < (this.subFrom[a + 1] as number); s++) {
      const flags = this.subFlags[s] as number;
      account.subscriptions.push({
        id: this.subText.read(this.subStart[s] as number, this.subStart[s + 1] as number),
        planId: this.interned.value(this.subPlan[s] as number) as string,
        status: this.interned.value(this.subStatus[s] as number) as string,
        currentPeriodEnd: untime(this.periodEnd[s] as number),
        cancelAtPeriodEnd: (flags & 1) === 1,
        trialEnd: untime(this.trialEnd[s] as number),
        pastDueSince: untime(this.pastDueSince[s] as number),
        source: (flags & 2) === 2 ? 'grant' : 'stripe',
        accessRevokedAt: untime(this.revokedAt[s] as number),
      });
    }
    return account;
  }

  private addCandidate(r: CandidateRow, a: number): void {
    const i = this.length++;
    if (i >= this.refs.length) {
      const size = i + 1;
      this.refs = grown(this.refs, size);
      this.platform = grown(this.platform, size);
      this.plan = grown(this.plan, size);
      this.direct = grown(this.direct, size);
      this.account = grown(this.account, size);
      this.mid = grown(this.mid, size);
    }
    this.start = grown(this.start, i + 2);
    this.refs[i] = r[15];
    this.platform[i] = this.interned.of(r[2]);
    this.plan[i] = this.interned.of(r[4]);
    this.direct[i] = r[1];
    this.account[i] = a;
    const from = this.text.used;
    this.text.add(r[0]);
    const mid = (this.mid[i] = this.text.used);
    this.text.add(r[3]);
    this.start[i + 1] = this.text.used;
    this.start[i] = from;
    if (r[17] !== null) this.filters.set(i, r[17]);
    this.byId.add(this.text.hash(from, mid));
  }

  private addAccount(id: string, settings: string | null): number {
    const a = this.accounts++;
    this.accountStart = grown(this.accountStart, a + 2);
    this.subFrom = grown(this.subFrom, a + 2);
    this.accountText.add(id);
    this.accountStart[a + 1] = this.accountText.used;
    this.subFrom[a] = this.subs;
    this.subFrom[a + 1] = this.subs;
    if (settings !== null) this.settings.set(a, settings);
    return a;
  }

  private addSubscription(r: CandidateRow): void {
    const s = this.subs++;
    if (s >= this.subPlan.length) {
      const size = s + 1;
      this.subPlan = grown(this.subPlan, size);
      this.subStatus = grown(this.subStatus, size);
      this.subFlags = grown(this.subFlags, size);
      this.periodEnd = grown(this.periodEnd, size);
      this.trialEnd = grown(this.trialEnd, size);
      this.pastDueSince = grown(this.pastDueSince, size);
      this.revokedAt = grown(this.revokedAt, size);
    }
    this.subStart = grown(this.subStart, s + 2);
    this.subText.add(r[7] as string);
    this.subStart[s + 1] = this.subText.used;
    this.subPlan[s] = this.interned.of(r[8]);
    this.subStatus[s] = this.interned.of(r[9]);
    this.subFlags[s] = (r[11] === 1 ? 1 : 0) | (r[14] === 1 ? 2 : 0);
    this.periodEnd[s] = time(r[10]);
    this.trialEnd[s] = time(r[12]);
    this.pastDueSince[s] = time(r[13]);
    this.revokedAt[s] = time(r[16]);
    this.subFrom[this.accounts] = this.subs;
  }
}
