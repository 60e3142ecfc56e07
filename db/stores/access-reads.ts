// The access store's raw reads: accounts with identities and subscriptions by id, and the keyset pages of a full reconcile.
import type { InviteLinkRecord, InviteLinkState, MembershipState } from '../../core/access/store';
import type { PlatformName } from '../../core/types';
import type { Subscription } from '../../core/accounts/types';
import type { Db } from '../client';

/**
 * A page of accounts with an identity on the given platforms, after a cursor: the platform test is
 * kept off the index choice (`+platform`) so that SQLite walks (account_id, platform) in order and
 * stops at the limit, rather than reading every identity of the platforms and sorting them.
 */
export const ACCOUNT_PAGE_SQL = `SELECT DISTINCT account_id FROM identities
  WHERE account_id > @after AND +platform IN (SELECT value FROM json_each(@platforms))
  ORDER BY account_id LIMIT @limit`;

export type MembershipTuple = [platform: string, resourceKey: string, platformUserId: string, state: MembershipState, updatedAt: number];

/**
 * The membership rows of some people on one platform (ids and states bound as JSON arrays; states
 * null: any), in (resource, user) order: the (platform, user) index is named, so that SQLite probes
 * it per person instead of walking the platform's rows in resource order to skip the sort.
 */
export const MEMBERSHIPS_OF_SQL = `SELECT platform, resource_key, platform_user_id, state, updated_at
  FROM access_memberships INDEXED BY access_memberships_user_idx
  WHERE platform = @platform AND platform_user_id IN (SELECT value FROM json_each(@ids))
    AND (@states IS NULL OR state IN (SELECT value FROM json_each(@states)))
  ORDER BY resource_key, platform_user_id`;

export type LinkTuple = [id: string, platform: string, resourceKey: string, link: string, accountId: string | null, platformUserId: string,
  state: InviteLinkState, expiresAt: number | null, createdAt: number, updatedAt: number];
export type LinksOfParams = { platform: string; ids: string; states: string; now: number | null };

/** The invite links of some people on one platform in the given states (and, with `now`, not expired then), by probes of the (platform, user, state) index. */
export const LINKS_OF_SQL = `SELECT id, platform, resource_key, link, account_id, platform_user_id, state, expires_at, created_at, updated_at
  FROM invite_links INDEXED BY invite_links_user_idx
  WHERE platform = @platform AND platform_user_id IN (SELECT value FROM json_each(@ids)) AND state IN (SELECT value FROM json_each(@states))
    AND (@now IS NULL OR expires_at IS NULL OR expires_at > @now)
  ORDER BY created_at, id`;

/** A link row read as an array, as the store's records give it. */
export function linkOf(r: LinkTuple): InviteLinkRecord {
  return { id: r[0], platform: r[1] as PlatformName, resourceKey: r[2], link: r[3], accountId: r[4], platformUserId: r[5], state: r[6], expiresAt: r[7], createdAt: r[8], updatedAt: r[9] };
}

export type PersonTuple = [platform: string, platformUserId: string, owned: 0 | 1];

/**
 * The next `limit` people (platform, user id) after a cursor that a membership row or an active or
 * used invite link names, each with whether an identity claims them. Each side is a keyset walk of
 * its (platform, platform_user_id) index, `limit` people at most: the first `limit` of their union
 * are exact, and one page costs the same whatever the tables hold.
 */
export const STRANGER_PAGE_SQL = `WITH people AS (
    SELECT platform, platform_user_id FROM (SELECT DISTINCT platform, platform_user_id FROM access_memberships
      WHERE (platform, platform_user_id) > (@platform, @user) ORDER BY platform, platform_user_id LIMIT @limit)
    UNION
    SELECT platform, platform_user_id FROM (SELECT DISTINCT platform, platform_user_id FROM invite_links
      WHERE (platform, platform_user_id) > (@platform, @user) AND state IN ('active', 'used') ORDER BY platform, platform_user_id LIMIT @limit)
    ORDER BY platform, platform_user_id LIMIT @limit)
  SELECT p.platform, p.platform_user_id,
    EXISTS (SELECT 1 FROM identities i WHERE i.platform = p.platform AND i.platform_user_id = p.platform_user_id) AS owned
  FROM people p ORDER BY p.platform, p.platform_user_id`;

export function prepareStrangerRead(db: Db) {
  return db.$client.prepare<[{ platform: string; user: string; limit: number }], PersonTuple>(STRANGER_PAGE_SQL).raw(true);
}

type IdentityTuple = [accountId: string, platform: string, platformUserId: string, tenant: string | null];
type SubscriptionTuple = [
  id: string, accountId: string, stripeSubscriptionId: string | null, planId: string, status: string, currentPeriodEnd: number | null,
  cancelAtPeriodEnd: number, trialEnd: number | null, pastDueSince: number | null, source: 'stripe' | 'grant', createdAt: number,
  updatedAt: number, accessRevokedAt: number | null, accessRevokedReason: string | null,
];

export function prepareAccountReads(db: Db) {
  const ids = '(SELECT value FROM json_each(?))';
  return {
    identitiesOf: db.$client.prepare<[string], IdentityTuple>(`SELECT account_id, platform, platform_user_id, tenant FROM identities
      WHERE account_id IN ${ids} ORDER BY created_at, id`).raw(true),
    subscriptionsOf: db.$client.prepare<[string], SubscriptionTuple>(`SELECT id, account_id, stripe_subscription_id, plan_id, status,
      current_period_end, cancel_at_period_end, trial_end, past_due_since, source, created_at, updated_at, access_revoked_at, access_revoked_reason
      FROM subscriptions WHERE account_id IN ${ids}`).raw(true),
  };
}

const dateOf = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

/** A subscriptions row read as an array, as drizzle's select would map it. */
export function subscriptionOf(r: SubscriptionTuple): Subscription {
  return {
    id: r[0], accountId: r[1], stripeSubscriptionId: r[2], planId: r[3], status: r[4], currentPeriodEnd: dateOf(r[5]),
    cancelAtPeriodEnd: r[6] === 1, trialEnd: dateOf(r[7]), pastDueSince: dateOf(r[8]), source: r[9],
    createdAt: new Date(r[10]), updatedAt: new Date(r[11]), accessRevokedAt: dateOf(r[12]), accessRevokedReason: r[13],
  };
}

