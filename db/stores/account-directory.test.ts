import { beforeEach, describe, expect, it } from 'vitest';
import { PlatformTakenError } from '../../core/accounts/errors';
import { FakeClock } from '../../core/clock';
import { openMemoryDatabase, type Db } from '../client';
import { SqliteAccountDirectory } from './account-directory';
import { SqliteAccountStore } from './account-store';

let db: Db;
let clock: FakeClock;
let accounts: SqliteAccountStore;
let directory: SqliteAccountDirectory;

beforeEach(() => {
  db = openMemoryDatabase();
  clock = new FakeClock();
  accounts = new SqliteAccountStore({ db, clock });
  directory = new SqliteAccountDirectory({ db });
});

async function personWithDirectMessages(platform: 'telegram' | 'testchat', userId: string, accountId?: string) {
  const account = accountId ?? (await accounts.createAccount()).id;
  const identity = await accounts.addIdentity(account, platform, userId, `user${userId}`);
  const destination = await accounts.addDestination({ kind: 'direct', recipient: { platform, chatId: userId }, accountId: account, identityId: identity.id, contentKinds: ['alert'] });
  return { accountId: account, identity, destination };
}

describe('moveIdentity', () => {
  it('moves an identity and its direct messages to an account without one on its platform', async () => {
    const payer = await personWithDirectMessages('testchat', '42');
    const other = await personWithDirectMessages('telegram', '7001');
    const moved = await directory.moveIdentity(other.identity.id, payer.accountId);
    expect(moved).toMatchObject({ id: other.identity.id, accountId: payer.accountId });
    expect((await accounts.getDestination(other.destination.id))?.accountId).toBe(payer.accountId);
  });

  it('refuses a second identity of the same platform and changes nothing, destinations included', async () => {
    const payer = await personWithDirectMessages('telegram', '1');
    const friend = await personWithDirectMessages('telegram', '2');
    const err = await directory.moveIdentity(friend.identity.id, payer.accountId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlatformTakenError);
    expect(err).toMatchObject({ code: 'conflict', accountId: payer.accountId, platform: 'telegram', heldBy: { identityId: payer.identity.id, username: 'user1' } });
    expect((await accounts.findIdentity('telegram', '2'))?.accountId).toBe(friend.accountId);
    expect((await accounts.getDestination(friend.destination.id))?.accountId).toBe(friend.accountId);
  });
});

describe('detachIdentity', () => {
  it('moves an identity and its direct messages into a new account of its own, with default settings and no subscription', async () => {
    const payer = await personWithDirectMessages('testchat', '42');
    await accounts.updateSettings(payer.accountId, { minBand: 'A' });
    await accounts.upsertSubscription({ accountId: payer.accountId, planId: 'pro', status: 'active', stripeSubscriptionId: 'sub_1' });
    const linked = await personWithDirectMessages('telegram', '7001', payer.accountId);
    clock.advance(5_000);
    const { identity, fromAccountId } = await directory.detachIdentity(linked.identity.id, clock.now());
    expect(fromAccountId).toBe(payer.accountId);
    expect(identity.accountId).not.toBe(payer.accountId);
    const own = await accounts.getAccount(identity.accountId);
    expect(own).toMatchObject({ minBand: null, displayName: 'user7001', createdAt: new Date(clock.now()) });
    expect(await accounts.listSubscriptions(identity.accountId)).toEqual([]);
    expect((await accounts.getDestination(linked.destination.id))?.accountId).toBe(identity.accountId);
    expect((await directory.listIdentities(payer.accountId)).map((i) => i.platform)).toEqual(['testchat']);
    expect(await accounts.listSubscriptions(payer.accountId)).toHaveLength(1);
  });

  it("refuses to detach an account's last identity, and changes nothing", async () => {
    const alone = await personWithDirectMessages('telegram', '1');
    const before = db.$client.prepare('SELECT count(*) AS n FROM accounts').get();
    await expect(directory.detachIdentity(alone.identity.id, clock.now())).rejects.toMatchObject({ code: 'conflict' });
    expect((await accounts.findIdentity('telegram', '1'))?.accountId).toBe(alone.accountId);
    expect(db.$client.prepare('SELECT count(*) AS n FROM accounts').get()).toEqual(before);
  });
});

describe('listIdentities', () => {
  it("lists an account's identities, oldest first", async () => {
    const payer = await personWithDirectMessages('telegram', '1');
    clock.advance(1_000);
    await personWithDirectMessages('testchat', '2', payer.accountId);
    expect((await directory.listIdentities(payer.accountId)).map((i) => [i.platform, i.platformUserId])).toEqual([['telegram', '1'], ['testchat', '2']]);
    expect(await directory.listIdentities('acc_none')).toEqual([]);
  });
});
