// Account lookups and moves for the chat commands (usernames, /link) in SQLite: the AccountDirectory port.
import { and, count, eq, sql } from 'drizzle-orm';
import type { AccountDirectory, AccountHoldings } from '../../core/accounts/directory';
import type { Identity } from '../../core/accounts/types';
import { SignalcastError } from '../../core/errors';
import type { PlatformName } from '../../core/types';
import type { Db } from '../client';
import { accounts, destinations, identities, subscriptions } from '../schema';

export class SqliteAccountDirectory implements AccountDirectory {
  constructor(private readonly deps: { db: Db }) {}

  async findIdentityByUsername(platform: PlatformName, username: string): Promise<Identity | null> {
    const name = username.replace(/^@/, '').toLowerCase();
    if (!name) return null;
    const row = this.deps.db.select().from(identities)
      .where(and(eq(identities.platform, platform), sql`lower(${identities.username}) = ${name}`))
      .orderBy(sql`${identities.createdAt} desc`).get();
    return row ? { ...row, platform: row.platform as PlatformName } : null;
  }

  async setUsername(identityId: string, username: string | null): Promise<void> {
    this.deps.db.update(identities).set({ username }).where(eq(identities.id, identityId)).run();
  }

  async moveIdentity(identityId: string, toAccountId: string): Promise<Identity> {
    const { db } = this.deps;
    return db.transaction((tx) => {
      const target = tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, toAccountId)).get();
      if (!target) throw new SignalcastError('not_found', `account ${toAccountId} not found`);
      const row = tx.update(identities).set({ accountId: toAccountId }).where(eq(identities.id, identityId)).returning().get();
      if (!row) throw new SignalcastError('not_found', `identity ${identityId} not found`);
      tx.update(destinations).set({ accountId: toAccountId }).where(eq(destinations.identityId, identityId)).run();
      return { ...row, platform: row.platform as PlatformName };
    });
  }

  async holdings(accountId: string): Promise<AccountHoldings> {
    const { db } = this.deps;
    const account = db.select({ stripeCustomerId: accounts.stripeCustomerId }).from(accounts).where(eq(accounts.id, accountId)).get();
    if (!account) throw new SignalcastError('not_found', `account ${accountId} not found`);
    const ids = db.select({ n: count() }).from(identities).where(eq(identities.accountId, accountId)).get();
    const subs = db.select({ n: count() }).from(subscriptions).where(eq(subscriptions.accountId, accountId)).get();
    return { identities: ids?.n ?? 0, subscriptions: subs?.n ?? 0, stripeCustomer: account.stripeCustomerId !== null };
  }
}
