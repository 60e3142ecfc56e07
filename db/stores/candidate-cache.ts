// The planner's candidates, kept in memory and brought up to date from the planning_changes log before each use.
import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import type { SubscriptionState } from '../../core/entitlement';
import type { ChannelFilters } from '../../core/accounts/types';
import type { Candidate, ChannelCandidate, PlanningAccount } from '../../core/planning/types';
import type { Band, PlatformName, Side } from '../../core/types';

// Enabled destinations taking alerts, with the account (through the identity when there is one,
// since /link may have moved it; for a channel, the account that owns it, if any) and each of its subscriptions, one row per subscription, so that
// the rows of one destination are adjacent. Reading values out is most of the cost of a rebuild,
// so default account settings fold into one NULL and flags come as integers; a channel's own filters come last (NULL for most).
const CANDIDATE_COLUMNS = `
  d.id, d.kind = 'direct', d.platform, d.recipient_key, d.plan_id, a.id,
  CASE WHEN a.symbol_filter IS NULL AND a.min_band IS NULL AND a.side_filter IS NULL AND a.direct_messages = 1
            AND a.paused = 0 AND (a.quiet_start IS NULL OR a.quiet_end IS NULL) THEN NULL
       ELSE json_array(json(a.symbol_filter), a.min_band, json(a.side_filter), a.direct_messages, a.quiet_start, a.quiet_end, a.time_zone, a.paused)
  END,
  s.id, s.plan_id, s.status, s.current_period_end, s.cancel_at_period_end, s.trial_end, s.past_due_since, s.source = 'grant',
  d.rowid, s.access_revoked_at, d.filters`;
const CANDIDATE_JOINS = `
  LEFT JOIN identities i ON i.id = d.identity_id
  LEFT JOIN accounts a ON a.id = COALESCE(i.account_id, d.account_id)
  LEFT JOIN subscriptions s ON s.account_id = a.id`;
const TAKES_ALERTS = `d.enabled = 1 AND instr(d.content_kinds, '"alert"') > 0`;

const ALL_SQL = `SELECT ${CANDIDATE_COLUMNS} FROM destinations d NOT INDEXED ${CANDIDATE_JOINS} WHERE ${TAKES_ALERTS} ORDER BY d.rowid`;
// NOT INDEXED: a range of the rowid, never the enabled index (which would read every enabled destination, then sort).
const RANGE_SQL = `SELECT ${CANDIDATE_COLUMNS} FROM destinations d NOT INDEXED ${CANDIDATE_JOINS} WHERE d.rowid > ? AND d.rowid <= ? AND ${TAKES_ALERTS} ORDER BY d.rowid`;
const COUNT_SQL = `SELECT d.platform, COUNT(*) FROM destinations d NOT INDEXED WHERE ${TAKES_ALERTS} GROUP BY d.platform`;
/** The refs of the limit-th and the next candidate above a cursor: the chunk's upper bound, and whether more remain. */
const BOUND_SQL = `SELECT d.rowid FROM destinations d NOT INDEXED WHERE d.rowid > ? AND ${TAKES_ALERTS} ORDER BY d.rowid LIMIT 2 OFFSET ?`;
const MAX_ROWID_SQL = 'SELECT COALESCE(MAX(rowid), 0) FROM destinations';
const SOME_SQL = `SELECT ${CANDIDATE_COLUMNS} FROM destinations d ${CANDIDATE_JOINS}
  WHERE d.id IN (SELECT value FROM json_each(?)) AND ${TAKES_ALERTS} ORDER BY d.rowid`;
/** The accounts the given destinations belong to now. */
const ACCOUNTS_OF_SQL = `SELECT DISTINCT COALESCE(i.account_id, d.account_id) FROM destinations d LEFT JOIN identities i ON i.id = d.identity_id
  WHERE d.id IN (SELECT value FROM json_each(?)) AND COALESCE(i.account_id, d.account_id) IS NOT NULL`;
/** Every destination of the given accounts, directly or through an identity. */
const DESTINATIONS_OF_SQL = `
  SELECT d.id FROM destinations d WHERE d.account_id IN (SELECT value FROM json_each(@ids))
  UNION
  SELECT d.id FROM identities i JOIN destinations d ON d.identity_id = i.id WHERE i.account_id IN (SELECT value FROM json_each(@ids))`;
const CHANGES_SQL = 'SELECT seq, destination_id, account_id FROM planning_changes WHERE seq > ? ORDER BY seq LIMIT ?';
// Two subqueries, so that each is one step down the primary key (MIN and MAX together would scan the table).
const LAST_SEQ_SQL = 'SELECT COALESCE((SELECT MAX(seq) FROM planning_changes), 0), COALESCE((SELECT MIN(seq) FROM planning_changes), 1)';
// Keeps the newest row, so that MIN(seq) always tells a reader whether rows it has not seen were pruned.
const PRUNE_SQL = `DELETE FROM planning_changes WHERE at < ? AND seq < (SELECT MAX(seq) FROM planning_changes)`;

type CandidateRow = [
  destinationId: string, direct: 0 | 1, platform: string, recipientKey: string, planId: string | null, accountId: string | null, settings: string | null,
  subId: string | null, subPlanId: string | null, status: string | null, periodEnd: number | null, cancelAtPeriodEnd: 0 | 1 | null,
  trialEnd: number | null, pastDueSince: number | null, grant: 0 | 1 | null, ref: number, accessRevokedAt: number | null,
  filters: string | null,
];

type SettingsTuple = [string[] | null, Band | null, Side[] | null, 0 | 1, string | null, string | null, string, 0 | 1];
type ChangeRow = [seq: number, destinationId: string | null, accountId: string | null];

/** A candidate and the destination's integer key, which delivery rows refer to. */
export interface CachedCandidate {
  ref: number;
  candidate: Candidate;
}

/** Some of the candidates, and the integer key of each. */
export interface CandidateBatch {
  candidates: Iterable<Candidate>;
  refOf(destinationId: string): number | undefined;
}

/** The candidates above a cursor, in ascending ref order (see CandidateCache.after). */
export interface CandidateChunk extends CandidateBatch {
  size: number;
  lastRef: number;
  more: boolean;
}

export interface CandidateCacheOptions {
  /**
   * The most candidates kept in memory (about 0.8 KB each). With more, nothing is kept and every
   * use reads them from the database in batches of `batchSize` destinations: slower, but memory stays flat.
   */
  maxCached?: number;
  /** Destination rowids per batch when reading from the database. */
  batchSize?: number;
  /** More pending changes than this and the cache is rebuilt instead of patched. */
  maxPatch?: number;
  /** Change-log rows older than this are pruned (by whichever process reads the log). */
  keepChangesMs?: number;
  /** Milliseconds since the epoch, for pruning. */
  now?: () => number;
}

const DEFAULTS = { maxCached: 50_000, batchSize: 5_000, maxPatch: 2_000, keepChangesMs: 3_600_000 };

/** The index of the first candidate whose ref is above `cursor` (binary search). */
function firstAbove(ordered: readonly CachedCandidate[], cursor: number): number {
  let lo = 0;
  let hi = ordered.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ordered[mid] as CachedCandidate).ref <= cursor) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function toChunk(slice: readonly CachedCandidate[], cursor: number, more: boolean): CandidateChunk {
  const refs = new Map(slice.map((c) => [c.candidate.destinationId, c.ref]));
  const last = slice[slice.length - 1];
  return { candidates: slice.map((c) => c.candidate), refOf: (id) => refs.get(id), size: slice.length, lastRef: last ? last.ref : cursor, more };
}

function toAccount(id: string, settings: string | null): PlanningAccount & { subscriptions: SubscriptionState[] } {
  if (settings === null) {
    return { id, symbolFilter: null, minBand: null, sideFilter: null, directMessages: true, quietStart: null, quietEnd: null, timeZone: 'UTC', paused: false, subscriptions: [] };
  }
  const [symbolFilter, minBand, sideFilter, directMessages, quietStart, quietEnd, timeZone, paused] = JSON.parse(settings) as SettingsTuple;
  return { id, symbolFilter, minBand, sideFilter, directMessages: directMessages === 1, quietStart, quietEnd, timeZone, paused: paused === 1, subscriptions: [] };
}

/**
 * Reads candidate rows (the rows of one destination adjacent, one per subscription); one account
 * object per account, shared by its direct destinations and the channels it owns.
 */
function readCandidates(rows: Iterable<CandidateRow>): CachedCandidate[] {
  const out: CachedCandidate[] = [];
  const accounts = new Map<string, PlanningAccount & { subscriptions: SubscriptionState[] }>();
  let lastId: string | null = null;
  let account: (PlanningAccount & { subscriptions: SubscriptionState[] }) | null = null;
  let fresh = false;
  for (const r of rows) {
    if (r[0] !== lastId) {
      lastId = r[0];
      account = r[5] === null ? null : (accounts.get(r[5]) ?? null);
      fresh = account === null && r[5] !== null;
      if (fresh && r[5] !== null) {
        account = toAccount(r[5], r[6]);
        accounts.set(r[5], account);
      }
      if (r[1] === 1) {
        out.push({ ref: r[15], candidate: { kind: 'direct', destinationId: r[0], platform: r[2] as PlatformName, recipientKey: r[3], account } });
      } else {
        const candidate: ChannelCandidate = { kind: 'channel', destinationId: r[0], platform: r[2] as PlatformName, recipientKey: r[3], planId: r[4] };
        if (account !== null) candidate.owner = account;
        // Only a channel with filters carries them: the others cost planning nothing more.
        if (r[17] !== null) candidate.filters = JSON.parse(r[17]) as ChannelFilters;
        out.push({ ref: r[15], candidate });
      }
    }
    // An account seen before (a second destination of it) already has its subscriptions.
    if (fresh && account !== null && r[7] !== null) {
      account.subscriptions.push({
        id: r[7], planId: r[8] as string, status: r[9] as string, currentPeriodEnd: r[10], cancelAtPeriodEnd: r[11] === 1,
        trialEnd: r[12], pastDueSince: r[13], source: r[14] === 1 ? 'grant' : 'stripe', accessRevokedAt: r[16],
      });
    }
  }
  return out;
}

/**
 * The candidates of every signal, in memory. Triggers on destinations, identities, accounts and
 * subscriptions log what changed in planning_changes (from any process); before each use the cache
 * re-reads the destinations and accounts named there since its last look, or rebuilds when many
 * changed or the log was pruned past it. Read inside the publishing transaction, it is exactly
 * what is committed. Above `maxCached` candidates it keeps nothing and reads them in batches.
 */
export class CandidateCache {
  private readonly byId = new Map<string, Candidate>();
  private readonly refs = new Map<string, number>();
  private seenSeq = -1;
  /** Too many candidates to keep: each use reads them from the database. */
  private streaming = false;
  private lastPrune = 0;
  private readonly options: typeof DEFAULTS & { now: () => number };
  private readonly allStmt: Statement<[], CandidateRow>;
  private readonly rangeStmt: Statement<[number, number], CandidateRow>;
  private readonly countStmt: Statement<[], [string, number]>;
  private readonly boundStmt: Statement<[number, number], number>;
  /** The kept candidates in ascending ref order; null until asked for after a patch. */
  private ordered: CachedCandidate[] | null = null;
  /** Candidates per platform as of seenSeq; null: count the kept ones again. */
  private counts: Map<PlatformName, number> | null = null;
  private readonly maxRowidStmt: Statement<[], number>;
  private readonly someStmt: Statement<[string], CandidateRow>;
  private readonly accountsOfStmt: Statement<[string], string>;
  private readonly destinationsOfStmt: Statement<[{ ids: string }], string>;
  private readonly changesStmt: Statement<[number, number], ChangeRow>;
  private readonly lastSeqStmt: Statement<[], [number, number]>;
  private readonly pruneStmt: Statement<[number]>;
  /** How often the cache was rebuilt, and how many destinations it re-read by patching. */
  readonly stats = { rebuilds: 0, patched: 0 };

  constructor(private readonly sqlite: Database.Database, options: CandidateCacheOptions = {}) {
    this.options = { ...DEFAULTS, now: Date.now, ...options };
    this.allStmt = sqlite.prepare<[], CandidateRow>(ALL_SQL).raw(true);
    this.rangeStmt = sqlite.prepare<[number, number], CandidateRow>(RANGE_SQL).raw(true);
    this.countStmt = sqlite.prepare<[], [string, number]>(COUNT_SQL).raw(true);
    this.boundStmt = sqlite.prepare<[number, number], number>(BOUND_SQL).pluck(true);
    this.maxRowidStmt = sqlite.prepare<[], number>(MAX_ROWID_SQL).pluck(true);
    this.someStmt = sqlite.prepare<[string], CandidateRow>(SOME_SQL).raw(true);
    this.accountsOfStmt = sqlite.prepare<[string], string>(ACCOUNTS_OF_SQL).pluck(true);
    this.destinationsOfStmt = sqlite.prepare<[{ ids: string }], string>(DESTINATIONS_OF_SQL).pluck(true);
    this.changesStmt = sqlite.prepare<[number, number], ChangeRow>(CHANGES_SQL).raw(true);
    this.lastSeqStmt = sqlite.prepare<[], [number, number]>(LAST_SEQ_SQL).raw(true);
    this.pruneStmt = sqlite.prepare<[number]>(PRUNE_SQL);
  }

  /**
   * The candidates as committed now, in destination order: one batch when they are kept in memory,
   * else batches read one after another. Use inside the transaction that relies on them, and use
   * each batch before asking for the next.
   */
  *batches(): Generator<CandidateBatch> {
    this.refresh();
    if (!this.streaming) {
      yield { candidates: this.byId.values(), refOf: (id) => this.refs.get(id) };
      return;
    }
    const last = this.maxRowidStmt.get() ?? 0;
    for (let from = 0; from < last; from += this.options.batchSize) {
      // Read whole: better-sqlite3 runs nothing else while an iterator is open, and the caller runs statements.
      const batch = readCandidates(this.rangeStmt.all(from, from + this.options.batchSize));
      const refs = new Map(batch.map((c) => [c.candidate.destinationId, c.ref]));
      yield { candidates: batch.map((c) => c.candidate), refOf: (id) => refs.get(id) };
    }
  }

  /**
   * The candidates whose ref is above `cursor`, in ascending ref order, at most `limit`, as
   * committed now: from memory when kept (sorted by ref once after a patch, since a Map keeps
   * insertion order), else read by rowid range. Use inside the transaction that relies on them.
   */
  after(cursor: number, limit: number): CandidateChunk {
    this.refresh();
    if (!this.streaming) {
      const ordered = (this.ordered ??= this.sortedKept());
      const from = firstAbove(ordered, cursor);
      const slice = ordered.slice(from, from + limit);
      return toChunk(slice, cursor, from + limit < ordered.length);
    }
    const [bound, next] = this.boundStmt.all(cursor, Math.max(0, limit - 1));
    const upper = bound ?? this.maxRowidStmt.get() ?? cursor;
    return toChunk(readCandidates(this.rangeStmt.all(cursor, upper)), cursor, next !== undefined);
  }

  /** Candidates per platform as committed now; counted again only when the change log moved. */
  countsByPlatform(): ReadonlyMap<PlatformName, number> {
    this.refresh();
    if (this.counts === null) {
      const counts = new Map<PlatformName, number>();
      if (this.streaming) for (const [platform, n] of this.countStmt.all()) counts.set(platform as PlatformName, n);
      else for (const c of this.byId.values()) counts.set(c.platform, (counts.get(c.platform) ?? 0) + 1);
      this.counts = counts;
    }
    return this.counts;
  }

  /** Every candidate as committed now (for tests and tools; publishing goes through batches). */
  candidates(): Candidate[] {
    const out: Candidate[] = [];
    for (const batch of this.batches()) for (const c of batch.candidates) out.push(c);
    return out;
  }

  /** How many candidates the cache holds (0 when they are too many to keep). */
  get size(): number {
    return this.byId.size;
  }

  /** Whether the candidates are too many to keep, and each use reads them. */
  get readsEachTime(): boolean {
    return this.streaming;
  }

  /** Applies the logged changes since the last look, or rebuilds. */
  refresh(): void {
    const [lastSeq, firstSeq] = this.lastSeqStmt.get() ?? [0, 1];
    if (this.streaming) {
      // Whether they fit again is worth a count only when something changed.
      if (lastSeq !== this.seenSeq) this.rebuild(lastSeq);
    } else if (this.seenSeq < 0 || firstSeq > this.seenSeq + 1 || lastSeq - this.seenSeq > this.options.maxPatch) {
      this.rebuild(lastSeq);
    } else if (lastSeq > this.seenSeq) {
      this.patch(this.changesStmt.all(this.seenSeq, this.options.maxPatch + 1));
      this.seenSeq = lastSeq;
      if (this.byId.size > this.options.maxCached) this.stopKeeping();
    }
    this.pruneNow();
  }

  private rebuild(lastSeq: number): void {
    this.seenSeq = lastSeq;
    const counts = new Map(this.countStmt.all().map(([platform, n]) => [platform as PlatformName, n]));
    this.counts = counts;
    let total = 0;
    for (const n of counts.values()) total += n;
    if (total > this.options.maxCached) {
      this.stopKeeping();
      return;
    }
    this.streaming = false;
    this.byId.clear();
    this.refs.clear();
    // Read in rowid order: the kept candidates are already sorted by ref.
    const all = readCandidates(this.allStmt.iterate());
    for (const { ref, candidate } of all) this.put(ref, candidate);
    this.ordered = all;
    this.stats.rebuilds++;
  }

  /** The kept candidates sorted by ref. */
  private sortedKept(): CachedCandidate[] {
    const out: CachedCandidate[] = [];
    for (const [id, candidate] of this.byId) out.push({ ref: this.refs.get(id) as number, candidate });
    return out.sort((a, b) => a.ref - b.ref);
  }

  private stopKeeping(): void {
    this.streaming = true;
    this.byId.clear();
    this.refs.clear();
    this.ordered = null;
  }

  private patch(changes: readonly ChangeRow[]): void {
    const destinationIds = new Set<string>();
    const accountIds = new Set<string>();
    for (const [, destinationId, accountId] of changes) {
      if (destinationId !== null) destinationIds.add(destinationId);
      if (accountId !== null) accountIds.add(accountId);
    }
    // A changed destination brings its account (or owner), before and after, so one account stays one object.
    for (const id of destinationIds) {
      const cached = this.byId.get(id);
      const account = cached?.kind === 'direct' ? cached.account : cached?.owner;
      if (account) accountIds.add(account.id);
    }
    for (const id of this.accountsOfStmt.all(JSON.stringify([...destinationIds]))) accountIds.add(id);
    for (const id of this.destinationsOfStmt.all({ ids: JSON.stringify([...accountIds]) })) destinationIds.add(id);
    // Re-read in place (a Map keeps a key's position), then drop those no longer candidates.
    const still = new Set<string>();
    for (const { ref, candidate } of readCandidates(this.someStmt.iterate(JSON.stringify([...destinationIds])))) {
      this.put(ref, candidate);
      still.add(candidate.destinationId);
    }
    for (const id of destinationIds) {
      if (still.has(id)) continue;
      this.byId.delete(id);
      this.refs.delete(id);
    }
    this.stats.patched += destinationIds.size;
    this.ordered = null;
    this.counts = null;
  }

  private put(ref: number, candidate: Candidate): void {
    this.byId.set(candidate.destinationId, candidate);
    this.refs.set(candidate.destinationId, ref);
  }

  private pruneNow(): void {
    const now = this.options.now();
    if (now - this.lastPrune < this.options.keepChangesMs / 4) return;
    this.lastPrune = now;
    this.pruneStmt.run(now - this.options.keepChangesMs);
  }
}
