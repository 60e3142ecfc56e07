// The candidates' SQL and its rows read into Candidate objects: shared by the cache, its columns and its background build.
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

export const ALL_SQL = `SELECT ${CANDIDATE_COLUMNS} FROM destinations d NOT INDEXED ${CANDIDATE_JOINS} WHERE ${TAKES_ALERTS} ORDER BY d.rowid`;
// NOT INDEXED: a range of the rowid, never the enabled index (which would read every enabled destination, then sort).
export const RANGE_SQL = `SELECT ${CANDIDATE_COLUMNS} FROM destinations d NOT INDEXED ${CANDIDATE_JOINS} WHERE d.rowid > ? AND d.rowid <= ? AND ${TAKES_ALERTS} ORDER BY d.rowid`;
export const COUNT_SQL = `SELECT d.platform, COUNT(*) FROM destinations d NOT INDEXED WHERE ${TAKES_ALERTS} GROUP BY d.platform`;
/** The refs of the limit-th and the next candidate above a cursor: the chunk's upper bound, and whether more remain. */
export const BOUND_SQL = `SELECT d.rowid FROM destinations d NOT INDEXED WHERE d.rowid > ? AND ${TAKES_ALERTS} ORDER BY d.rowid LIMIT 2 OFFSET ?`;
export const MAX_ROWID_SQL = 'SELECT COALESCE(MAX(rowid), 0) FROM destinations';
export const SOME_SQL = `SELECT ${CANDIDATE_COLUMNS} FROM destinations d ${CANDIDATE_JOINS}
  WHERE d.id IN (SELECT value FROM json_each(?)) AND ${TAKES_ALERTS} ORDER BY d.rowid`;
/** The refs of the given destinations that still exist (taking alerts or not). */
export const REFS_OF_SQL = 'SELECT id, rowid FROM destinations WHERE id IN (SELECT value FROM json_each(?))';
/** The accounts the given destinations belong to now. */
export const ACCOUNTS_OF_SQL = `SELECT DISTINCT COALESCE(i.account_id, d.account_id) FROM destinations d LEFT JOIN identities i ON i.id = d.identity_id
  WHERE d.id IN (SELECT value FROM json_each(?)) AND COALESCE(i.account_id, d.account_id) IS NOT NULL`;
/** Every destination of the given accounts, directly or through an identity. */
export const DESTINATIONS_OF_SQL = `
  SELECT d.id FROM destinations d WHERE d.account_id IN (SELECT value FROM json_each(@ids))
  UNION
  SELECT d.id FROM identities i JOIN destinations d ON d.identity_id = i.id WHERE i.account_id IN (SELECT value FROM json_each(@ids))`;
export const CHANGES_SQL = 'SELECT seq, destination_id, account_id FROM planning_changes WHERE seq > ? ORDER BY seq LIMIT ?';
// Two subqueries, so that each is one step down the primary key (MIN and MAX together would scan the table).
export const LAST_SEQ_SQL = 'SELECT COALESCE((SELECT MAX(seq) FROM planning_changes), 0), COALESCE((SELECT MIN(seq) FROM planning_changes), 1)';
// Keeps the newest row, so that MIN(seq) always tells a reader whether rows it has not seen were pruned.
export const PRUNE_SQL = `DELETE FROM planning_changes WHERE at < ? AND seq < (SELECT MAX(seq) FROM planning_changes)`;

export type CandidateRow = [
  destinationId: string, direct: 0 | 1, platform: string, recipientKey: string, planId: string | null, accountId: string | null, settings: string | null,
  subId: string | null, subPlanId: string | null, status: string | null, periodEnd: number | null, cancelAtPeriodEnd: 0 | 1 | null,
  trialEnd: number | null, pastDueSince: number | null, grant: 0 | 1 | null, ref: number, accessRevokedAt: number | null,
  filters: string | null,
];

export type ChangeRow = [seq: number, destinationId: string | null, accountId: string | null];

type SettingsTuple = [string[] | null, Band | null, Side[] | null, 0 | 1, string | null, string | null, string, 0 | 1];

/** An account as the cache builds it: its subscriptions pushed as they are read. */
export type CachedAccount = PlanningAccount & { subscriptions: SubscriptionState[] };

/** A candidate and the destination's integer key, which delivery rows refer to. */
export interface CachedCandidate {
  ref: number;
  candidate: Candidate;
}

/** An account from its id and its settings as the query folds them (null: the defaults). */
export function toAccount(id: string, settings: string | null): CachedAccount {
  if (settings === null) {
    return { id, symbolFilter: null, minBand: null, sideFilter: null, directMessages: true, quietStart: null, quietEnd: null, timeZone: 'UTC', paused: false, subscriptions: [] };
  }
  const [symbolFilter, minBand, sideFilter, directMessages, quietStart, quietEnd, timeZone, paused] = JSON.parse(settings) as SettingsTuple;
  return { id, symbolFilter, minBand, sideFilter, directMessages: directMessages === 1, quietStart, quietEnd, timeZone, paused: paused === 1, subscriptions: [] };
}

/** A destination's candidate, with its account (or owner) given. */
export function toCandidate(direct: boolean, id: string, platform: string, key: string, planId: string | null, account: CachedAccount | null, filters: string | null): Candidate {
  if (direct) return { kind: 'direct', destinationId: id, platform: platform as PlatformName, recipientKey: key, account };
  const candidate: ChannelCandidate = { kind: 'channel', destinationId: id, platform: platform as PlatformName, recipientKey: key, planId };
  if (account !== null) candidate.owner = account;
  // Only a channel with filters carries them: the others cost planning nothing more.
  if (filters !== null) candidate.filters = JSON.parse(filters) as ChannelFilters;
  return candidate;
}

/**
 * Reads candidate rows (the rows of one destination adjacent, one per subscription); one account
 * object per account, shared by its direct destinations and the channels it owns.
 */
export function readCandidates(rows: Iterable<CandidateRow>): CachedCandidate[] {
  const out: CachedCandidate[] = [];
  const accounts = new Map<string, CachedAccount>();
  let lastId: string | null = null;
  let account: CachedAccount | null = null;
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
      out.push({ ref: r[15], candidate: toCandidate(r[1] === 1, r[0], r[2], r[3], r[4], account, r[17]) });
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
