// Access in SQLite (drizzle): tracked memberships, personal invite links, and the accounts behind identities (the AccessStore port).
import type Database from 'better-sqlite3';
import { and, eq, gt, inArray, isNull, lte, ne, or, type SQL } from 'drizzle-orm';
import type { AccessAccount, AccessStore, IdentityRef, InviteLinkRecord, InviteLinkState, MembershipRecord, MembershipState, NewInviteLink, StrangerPage } from '../../core/access/store';
import type { Clock } from '../../core/clock';
import { newId } from '../../core/ids';
import type { PlatformName } from '../../core/types';
import type { Db } from '../client';
import { ACCOUNT_PAGE_SQL, MEMBERSHIPS_OF_SQL, prepareAccountReads, prepareStrangerRead, subscriptionOf, LINKS_OF_SQL, linkOf, type LinkTuple, type LinksOfParams, type MembershipTuple } from './access-reads';
import { accessMemberships, identities, inviteLinks, type AccessMembershipRow, type InviteLinkRow } from '../schema';

function toMembership(row: AccessMembershipRow): MembershipRecord {
  return {
    platform: row.platform as PlatformName,
    resourceKey: row.resourceKey,
    platformUserId: row.platformUserId,
    state: row.state,
    updatedAt: row.updatedAt.getTime(),
  };
}

function toInviteLink(row: InviteLinkRow): InviteLinkRecord {
  return {
    id: row.id,
    platform: row.platform as PlatformName,
    resourceKey: row.resourceKey,
    link: row.link,
    accountId: row.accountId,
    platformUserId: row.platformUserId,
    state: row.state,
    expiresAt: row.expiresAt?.getTime() ?? null,
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
  };
}

/** Accounts read per statement when listing them (bound as one JSON array, so no parameter cap applies). */
const ACCOUNTS_PER_READ = 2_000;

export class SqliteAccessStore implements AccessStore {
  constructor(private readonly deps: { db: Db; clock: Clock }) {}

  private get db(): Db {
    return this.deps.db;
  }

  private now(): Date {
    return new Date(this.deps.clock.now());
  }

  async setMembership(m: Omit<MembershipRecord, 'updatedAt'>): Promise<void> {
    const updatedAt = this.now();
    this.db.insert(accessMemberships)
      .values({ id: newId('mbr'), platform: m.platform, resourceKey: m.resourceKey, platformUserId: m.platformUserId, state: m.state, updatedAt })
      .onConflictDoUpdate({
        target: [accessMemberships.platform, accessMemberships.resourceKey, accessMemberships.platformUserId],
        set: { state: m.state, updatedAt },
      })
      .run();
  }

  async getMembership(platform: PlatformName, resourceKey: string, platformUserId: string): Promise<MembershipRecord | null> {
    const row = this.db.select().from(accessMemberships).where(and(
      eq(accessMemberships.platform, platform),
      eq(accessMemberships.resourceKey, resourceKey),
      eq(accessMemberships.platformUserId, platformUserId),
    )).get();
    return row ? toMembership(row) : null;
  }

  async listMembers(platform: PlatformName, resourceKey: string): Promise<MembershipRecord[]> {
    return this.listMemberships({ platform, resourceKey, states: ['member'] });
  }

  async listMemberships(filter: { platform?: PlatformName; resourceKey?: string; platformUserIds?: string[]; states?: MembershipState[]; afterUserId?: string; limit?: number } = {}): Promise<MembershipRecord[]> {
    const where: SQL[] = [];
    if (filter.platform) where.push(eq(accessMemberships.platform, filter.platform));
    if (filter.resourceKey) where.push(eq(accessMemberships.resourceKey, filter.resourceKey));
    if (filter.platformUserIds) {
      if (filter.platformUserIds.length === 0) return [];
      where.push(inArray(accessMemberships.platformUserId, filter.platformUserIds));
    }
    if (filter.states) {
      if (filter.states.length === 0) return [];
      where.push(inArray(accessMemberships.state, filter.states));
    }
    if (filter.platform && filter.platformUserIds && !filter.resourceKey) {
      // A page of people: probes of the (platform, user) index, never a walk of the platform's rows.
      this.membershipsOf ??= this.db.$client.prepare<[{ platform: string; ids: string; states: string | null }], MembershipTuple>(MEMBERSHIPS_OF_SQL).raw(true);
      const rows = this.membershipsOf.all({ platform: filter.platform, ids: JSON.stringify(filter.platformUserIds), states: filter.states ? JSON.stringify(filter.states) : null });
      return rows.map(([platform, resourceKey, platformUserId, state, updatedAt]) => ({ platform: platform as PlatformName, resourceKey, platformUserId, state, updatedAt }));
    }
    if (filter.afterUserId !== undefined) where.push(gt(accessMemberships.platformUserId, filter.afterUserId));
    const query = this.db.select().from(accessMemberships).where(and(...where)).orderBy(accessMemberships.resourceKey, accessMemberships.platformUserId);
    return (filter.limit === undefined ? query : query.limit(filter.limit)).all().map(toMembership);
  }

  async addInviteLink(link: NewInviteLink): Promise<InviteLinkRecord> {
    const now = this.now();
    const row = this.db.insert(inviteLinks).values({
      id: newId('inv'),
      platform: link.platform,
      resourceKey: link.resourceKey,
      link: link.link,
      accountId: link.accountId,
      platformUserId: link.platformUserId,
      state: 'active',
      expiresAt: link.expiresAt === null ? null : new Date(link.expiresAt),
      createdAt: now,
      updatedAt: now,
    }).returning().get();
    return toInviteLink(row);
  }

  async listActiveInviteLinks(filter: { now: number; platform?: PlatformName; platformUserId?: string; platformUserIds?: string[]; resourceKey?: string }): Promise<InviteLinkRecord[]> {
    const where: (SQL | undefined)[] = [
      eq(inviteLinks.state, 'active'),
      or(isNull(inviteLinks.expiresAt), gt(inviteLinks.expiresAt, new Date(filter.now))),
    ];
    if (filter.platform) where.push(eq(inviteLinks.platform, filter.platform));
    if (filter.platformUserId) where.push(eq(inviteLinks.platformUserId, filter.platformUserId));
    if (filter.platformUserIds) {
      if (filter.platformUserIds.length === 0) return [];
      if (filter.platform && !filter.platformUserId && !filter.resourceKey) return this.linksOf(filter.platform, filter.platformUserIds, ['active'], filter.now);
      where.push(inArray(inviteLinks.platformUserId, filter.platformUserIds));
    }
    if (filter.resourceKey) where.push(eq(inviteLinks.resourceKey, filter.resourceKey));
    return this.db.select().from(inviteLinks).where(and(...where)).orderBy(inviteLinks.createdAt, inviteLinks.id).all().map(toInviteLink);
  }

  /** A page of people's links on one platform: one prepared statement, the ids bound as one JSON array. */
  private linksOf(platform: PlatformName, ids: string[], states: InviteLinkState[], now: number | null): InviteLinkRecord[] {
    this.linkReads ??= this.db.$client.prepare<[LinksOfParams], LinkTuple>(LINKS_OF_SQL).raw(true);
    return this.linkReads.all({ platform, ids: JSON.stringify(ids), states: JSON.stringify(states), now }).map(linkOf);
  }

  async listUnrevokedInviteLinks(filter: { platform?: PlatformName; platformUserId?: string; platformUserIds?: string[]; resourceKey?: string }): Promise<InviteLinkRecord[]> {
    const where: SQL[] = [inArray(inviteLinks.state, ['active', 'used'])];
    if (filter.platform) where.push(eq(inviteLinks.platform, filter.platform));
    if (filter.platformUserId) where.push(eq(inviteLinks.platformUserId, filter.platformUserId));
    if (filter.platformUserIds) {
      if (filter.platformUserIds.length === 0) return [];
      if (filter.platform && !filter.platformUserId && !filter.resourceKey) return this.linksOf(filter.platform, filter.platformUserIds, ['active', 'used'], null);
      where.push(inArray(inviteLinks.platformUserId, filter.platformUserIds));
    }
    if (filter.resourceKey) where.push(eq(inviteLinks.resourceKey, filter.resourceKey));
    return this.db.select().from(inviteLinks).where(and(...where)).orderBy(inviteLinks.createdAt, inviteLinks.id).all().map(toInviteLink);
  }

  async confirmInviteLinkGone(link: string, state: 'revoked' | 'expired'): Promise<void> {
    this.db.update(inviteLinks).set({ state, updatedAt: this.now() }).where(and(eq(inviteLinks.link, link), ne(inviteLinks.state, state))).run();
  }

  async findInviteLink(platform: PlatformName, link: string): Promise<InviteLinkRecord | null> {
    const row = this.db.select().from(inviteLinks).where(and(eq(inviteLinks.platform, platform), eq(inviteLinks.link, link))).get();
    return row ? toInviteLink(row) : null;
  }

  async setInviteLinkState(link: string, state: Exclude<InviteLinkState, 'active'>): Promise<boolean> {
    const changed = this.db.update(inviteLinks).set({ state, updatedAt: this.now() })
      .where(and(eq(inviteLinks.link, link), eq(inviteLinks.state, 'active'))).run();
    return changed.changes > 0;
  }

  async expireInviteLinks(now: number): Promise<number> {
    const changed = this.db.update(inviteLinks).set({ state: 'expired', updatedAt: this.now() })
      .where(and(eq(inviteLinks.state, 'active'), lte(inviteLinks.expiresAt, new Date(now)))).run();
    return changed.changes;
  }

  async findAccessAccount(platform: PlatformName, platformUserId: string): Promise<AccessAccount | null> {
    const identity = this.db.select({ accountId: identities.accountId }).from(identities)
      .where(and(eq(identities.platform, platform), eq(identities.platformUserId, platformUserId))).get();
    if (!identity) return null;
    const [account] = this.accountsOf([identity.accountId]);
    return account ?? null;
  }

  async listAccessAccounts(filter: { platforms: PlatformName[]; accountId?: string; after?: string; limit?: number }): Promise<AccessAccount[]> {
    if (filter.platforms.length === 0 || filter.limit === 0) return [];
    if (filter.accountId === undefined && (filter.limit !== undefined || filter.after !== undefined)) {
      // One page: a keyset walk of the (account_id, platform) index, `limit` accounts, whatever the total.
      this.accountPage ??= this.db.$client.prepare<[{ after: string; platforms: string; limit: number }], [string]>(ACCOUNT_PAGE_SQL).raw(true);
      const rows = this.accountPage.all({ after: filter.after ?? '', platforms: JSON.stringify(filter.platforms), limit: filter.limit ?? -1 });
      return this.accountsOf(rows.map(([accountId]) => accountId));
    }
    const where: SQL[] = [inArray(identities.platform, filter.platforms)];
    if (filter.accountId) where.push(eq(identities.accountId, filter.accountId));
    if (filter.after !== undefined) where.push(gt(identities.accountId, filter.after));
    const ids = this.db.selectDistinct({ accountId: identities.accountId }).from(identities).where(and(...where))
      .orderBy(identities.accountId).all().map((r) => r.accountId);
    return this.accountsOf(filter.limit === undefined ? ids : ids.slice(0, filter.limit));
  }

  async listStrangerPage(filter: { platforms: PlatformName[]; after: IdentityRef | null; limit: number }): Promise<StrangerPage> {
    if (filter.platforms.length === 0 || filter.limit <= 0) return { strangers: [], next: null };
    this.strangerRead ??= prepareStrangerRead(this.db);
    const after = filter.after ?? { platform: '', platformUserId: '' };
    const rows = this.strangerRead.all({ platform: after.platform, user: after.platformUserId, limit: filter.limit });
    const gated = new Set<string>(filter.platforms);
    const strangers = rows.filter(([platform, , owned]) => owned === 0 && gated.has(platform))
      .map(([platform, platformUserId]): IdentityRef => ({ platform: platform as PlatformName, platformUserId }));
    const last = rows.at(-1);
    return { strangers, next: rows.length < filter.limit || !last ? null : { platform: last[0] as PlatformName, platformUserId: last[1] } };
  }

  /** The account with its identities and subscriptions, read at once (for use inside a transaction). */
  accessAccountNow(accountId: string): AccessAccount | null {
    return this.accountsOf([accountId]).find((a) => a.identities.length > 0 || a.subscriptions.length > 0) ?? null;
  }

  /** Each account with all of its identities and subscriptions, in the order given. */
  private accountsOf(accountIds: string[]): AccessAccount[] {
    if (accountIds.length === 0) return [];
    const byAccount = new Map<string, AccessAccount>(accountIds.map((accountId) => [accountId, { accountId, identities: [], subscriptions: [] }]));
    // Two statements prepared once, the ids bound as one JSON array, rows read as arrays: a full
    // reconcile of 100,000 accounts builds no SQL per chunk and no row objects beside the accounts.
    this.accountReads ??= prepareAccountReads(this.db);
    const { identitiesOf, subscriptionsOf } = this.accountReads;
    for (let i = 0; i < accountIds.length; i += ACCOUNTS_PER_READ) {
      const ids = JSON.stringify(accountIds.slice(i, i + ACCOUNTS_PER_READ));
      for (const [accountId, platform, platformUserId, tenant] of identitiesOf.all(ids)) {
        byAccount.get(accountId)?.identities.push({ platform: platform as PlatformName, platformUserId, ...(tenant ? { tenant } : {}) });
      }
      for (const row of subscriptionsOf.all(ids)) byAccount.get(row[1])?.subscriptions.push(subscriptionOf(row));
    }
    return [...byAccount.values()];
  }

  private accountReads: ReturnType<typeof prepareAccountReads> | undefined;
  private strangerRead: ReturnType<typeof prepareStrangerRead> | undefined;
  private linkReads: Database.Statement<[LinksOfParams], LinkTuple> | undefined;
  private membershipsOf: Database.Statement<[{ platform: string; ids: string; states: string | null }], MembershipTuple> | undefined;
  private accountPage: Database.Statement<[{ after: string; platforms: string; limit: number }], [string]> | undefined;
}
