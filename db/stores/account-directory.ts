// Account lookups and moves for the chat commands (usernames, /link and its one identity per platform) in SQLite: the AccountDirectory port.
import { and, count, eq, ne, sql } from 'drizzle-orm';
import type { AccountDirectory, AccountHoldings } from '../../core/accounts/directory';
import { PlatformTakenError } from '../../core/accounts/errors';
import { DEFAULT_SETTINGS } from '../../core/accounts/settings';
import type { Identity } from '../../core/accounts/types';
import { SignalcastError } from '../../core/errors';
import { newId } from '../../core/ids';
import type { PlatformName } from '../../core/types';
import type { Db } from '../client';
import { accounts, destinations, identities, subscriptions, type IdentityRow } from '../schema';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

const toIdentity = (row: IdentityRow): Identity => ({ ...row, platform: row.platform as PlatformName });

/** Moves the identity and the direct-message destinations it owns; inside the caller's transaction. */
function moveInside(tx: Tx, identityId: string, toAccountId: string): Identity {
  const row = tx.update(identities).set({ accountId: toAccountId }).where(eq(identities.id, identityId)).returning().get();
  if (!row) throw new SignalcastError('not_found', `identity ${identityId} not found`);
  tx.update(destinations).set({ accountId: toAccountId }).where(eq(destinations.identityId, identityId)).run();
  return toIdentity(row);
}

export class SqliteAccountDirectory implements AccountDirectory {
  constructor(private readonly deps: { db: Db }) {}

  async findIdentityByUsername(platform: PlatformName, username: string): Promise<Identity | null> {
    const name = username.replace(/^@/, '').toLowerCase();
    if (!name) return null;
    const row = this.deps.db.select().from(identities)
      .where(and(eq(identities.platform, platform), sql`lower(${identities.username}) = ${name}`))
      .orderBy(sql`${identities.createdAt} desc`).get();
    return row ? toIdentity(row) : null;
  }

  async setUsername(identityId: string, username: string | null): Promise<void> {
    this.deps.db.update(identities).set({ username }).where(eq(identities.id, identityId)).run();
  }

  async moveIdentity(identityId: string, toAccountId: string): Promise<Identity> {
    const { db } = this.deps;
    // Immediate: the one-per-platform check and the move hold the write lock together.
    return db.transaction((tx) => {
      const target = tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, toAccountId)).get();
      if (!target) throw new SignalcastError('not_found', `account ${toAccountId} not found`);
      const moving = tx.select().from(identities).where(eq(identities.id, identityId)).get();
      if (!moving) throw new SignalcastError('not_found', `identity ${identityId} not found`);
      const held = tx.select().from(identities)
        .where(and(eq(identities.accountId, toAccountId), eq(identities.platform, moving.platform), ne(identities.id, identityId))).get();
      if (held) throw new PlatformTakenError(toAccountId, moving.platform as PlatformName, { identityId: held.id, username: held.username });
      return moveInside(tx, identityId, toAccountId);
    }, { behavior: 'immediate' });
  }

  async detachIdentity(identityId: string, at: number): Promise<{ identity: Identity; fromAccountId: string }> {
    const { db } = this.deps;
    return db.transaction((tx) => {
      const leaving = tx.select().from(identities).where(eq(identities.id, identityId)).get();
      if (!leaving) throw new SignalcastError('not_found', `identity ${identityId} not found`);
      const others = tx.select({ n: count() }).from(identities)
        .where(and(eq(identities.accountId, leaving.accountId), ne(identities.id, identityId))).get();
      if ((others?.n ?? 0) === 0) {
        throw new SignalcastError('conflict', `identity ${identityId} is the last identity of account ${leaving.accountId}; there is nothing to unlink it from`);
      }
      const own = tx.insert(accounts).values({
        id: newId('acc'), displayName: leaving.username, ...DEFAULT_SETTINGS, createdAt: new Date(at),
      }).returning({ id: accounts.id }).get();
      return { identity: moveInside(tx, identityId, own.id), fromAccountId: leaving.accountId };
    }, { behavior: 'immediate' });
  }

  async listIdentities(accountId: string): Promise<Identity[]> {
    return this.deps.db.select().from(identities).where(eq(identities.accountId, accountId))
      .orderBy(identities.createdAt, identities.id).all().map(toIdentity);
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
