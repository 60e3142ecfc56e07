import { beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { SignalcastError, ValidationError } from '../../core/errors';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlatformTakenError } from '../../core/accounts/errors';
import { openDatabase, openMemoryDatabase, type Db } from '../client';
import { SqliteAccountStore } from './account-store';
import { insertDelivery, insertSignal } from './delivery-store.fixtures';

let db: Db;
let clock: FakeClock;
let store: SqliteAccountStore;

beforeEach(() => {
  db = openMemoryDatabase();
  clock = new FakeClock();
  store = new SqliteAccountStore({ db, clock });
});

describe('accounts and identities', () => {
  it('creates an account with default settings and finds it by identity', async () => {
    const account = await store.createAccount({ displayName: 'Ada' });
    expect(account).toMatchObject({ displayName: 'Ada', directMessages: true, paused: false, timeZone: 'UTC', symbolFilter: null, minBand: null });
    const identity = await store.addIdentity(account.id, 'telegram', '1001', 'ada');
    expect(identity).toMatchObject({ accountId: account.id, platform: 'telegram', platformUserId: '1001', username: 'ada' });
    expect((await store.findAccountByIdentity('telegram', '1001'))?.id).toBe(account.id);
    expect(await store.findAccountByIdentity('discord', '1001')).toBeNull();
  });

  it('refuses an identity that already belongs to an account', async () => {
    const a = await store.createAccount();
    const b = await store.createAccount();
    await store.addIdentity(a.id, 'telegram', '7');
    await expect(store.addIdentity(b.id, 'telegram', '7')).rejects.toMatchObject({ code: 'conflict' });
    await expect(store.addIdentity('acc_missing', 'telegram', '8')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('holds one identity per platform: a second Telegram user is refused, another platform is not', async () => {
    const a = await store.createAccount();
    const first = await store.addIdentity(a.id, 'telegram', '7', 'payer');
    const err = await store.addIdentity(a.id, 'telegram', '8', 'friend').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlatformTakenError);
    expect(err).toMatchObject({ code: 'conflict', accountId: a.id, platform: 'telegram', heldBy: { identityId: first.id, username: 'payer' } });
    expect(await store.findIdentity('telegram', '8')).toBeNull();
    await store.addIdentity(a.id, 'testchat', '8');
    expect(db.$client.prepare('SELECT platform FROM identities WHERE account_id = ? ORDER BY platform').all(a.id)).toEqual([{ platform: 'telegram' }, { platform: 'testchat' }]);
  });

  it('refuses the second identity from another connection to the same database file too', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'signalcast-ids-')), 'db.sqlite');
    const one = openDatabase(path, { migrate: true });
    const two = openDatabase(path);
    try {
      const storeOne = new SqliteAccountStore({ db: one, clock });
      const storeTwo = new SqliteAccountStore({ db: two, clock });
      const a = await storeOne.createAccount();
      await storeOne.addIdentity(a.id, 'telegram', '7');
      await expect(storeTwo.addIdentity(a.id, 'telegram', '8')).rejects.toBeInstanceOf(PlatformTakenError);
    } finally {
      one.$client.close();
      two.$client.close();
    }
  });

  it('finds an account by its Stripe customer', async () => {
    const a = await store.createAccount({ stripeCustomerId: 'cus_1' });
    expect((await store.findAccountByStripeCustomer('cus_1'))?.id).toBe(a.id);
  });
});

describe('updateSettings', () => {
  it('applies a valid change and keeps the rest', async () => {
    const a = await store.createAccount();
    const updated = await store.updateSettings(a.id, { symbolFilter: ['BTC', 'eth'], minBand: 'B', sideFilter: ['long'], quietStart: '22:00', quietEnd: '07:00', timeZone: 'Europe/Paris' });
    expect(updated).toMatchObject({ symbolFilter: ['BTC', 'eth'], minBand: 'B', sideFilter: ['long'], quietStart: '22:00', quietEnd: '07:00', timeZone: 'Europe/Paris', directMessages: true });
    expect(await store.getAccount(a.id)).toEqual(updated);
    expect(await store.updateSettings(a.id, { paused: true })).toMatchObject({ paused: true, minBand: 'B' });
  });

  it('names every bad setting and changes nothing', async () => {
    const a = await store.createAccount();
    const err = await store.updateSettings(a.id, { quietStart: '25:00', timeZone: 'Mars/Base', minBand: 'D', sideFilter: ['up'], colour: 'red' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues.map((i) => i.field).sort()).toEqual(['colour', 'minBand', 'quietStart', 'sideFilter[0]', 'timeZone']);
    expect(await store.getAccount(a.id)).toEqual(a);
  });

  it('needs quiet hours as a pair of different times', async () => {
    const a = await store.createAccount();
    await expect(store.updateSettings(a.id, { quietStart: '22:00' })).rejects.toThrow('quietEnd: quiet hours need both quietStart and quietEnd (or neither)');
    await expect(store.updateSettings(a.id, { quietStart: '22:00', quietEnd: '22:00' })).rejects.toThrow('quietEnd: expected a time different from quietStart');
    await store.updateSettings(a.id, { quietStart: '22:00', quietEnd: '06:00' });
    expect(await store.updateSettings(a.id, { quietStart: null, quietEnd: null })).toMatchObject({ quietStart: null, quietEnd: null });
  });

  it('stores empty filter lists as no filter', async () => {
    const a = await store.createAccount({ settings: { symbolFilter: ['BTC'] } });
    expect(await store.updateSettings(a.id, { symbolFilter: [] })).toMatchObject({ symbolFilter: null });
  });

  it('says so for an unknown account', async () => {
    await expect(store.updateSettings('acc_nope', { paused: true })).rejects.toBeInstanceOf(SignalcastError);
  });
});

describe('subscriptions', () => {
  it('inserts, then updates by Stripe subscription id', async () => {
    const a = await store.createAccount();
    const first = await store.upsertSubscription({ accountId: a.id, stripeSubscriptionId: 'sub_s1', planId: 'pro', status: 'trialing', trialEnd: clock.now() + 1000 });
    clock.set(clock.now() + 5000);
    const second = await store.upsertSubscription({ accountId: a.id, stripeSubscriptionId: 'sub_s1', planId: 'pro', status: 'past_due', pastDueSince: clock.now(), currentPeriodEnd: clock.now() });
    expect(second.id).toBe(first.id);
    expect(second).toMatchObject({ status: 'past_due', pastDueSince: new Date(clock.now()), trialEnd: null, updatedAt: new Date(clock.now()), source: 'stripe' });
    expect(await store.listSubscriptions(a.id)).toEqual([second]);
  });

  it('records operator grants by id', async () => {
    const a = await store.createAccount();
    const grant = await store.upsertSubscription({ id: 'grant_1', accountId: a.id, planId: 'vip', status: 'active', source: 'grant', currentPeriodEnd: new Date(clock.now() + 86_400_000) });
    expect(grant).toMatchObject({ id: 'grant_1', stripeSubscriptionId: null, source: 'grant' });
    await store.upsertSubscription({ id: 'grant_1', accountId: a.id, planId: 'vip', status: 'canceled', source: 'grant' });
    expect((await store.listSubscriptions(a.id)).map((s) => s.status)).toEqual(['canceled']);
  });

  it('holds a subscription once, and later upserts from Stripe keep the hold', async () => {
    const a = await store.createAccount();
    const sub = await store.upsertSubscription({ accountId: a.id, stripeSubscriptionId: 'sub_h1', planId: 'pro', status: 'active' });
    expect(sub).toMatchObject({ accessRevokedAt: null, accessRevokedReason: null });
    const held = await store.holdSubscription(sub.id, { at: clock.now(), reason: 'charge.refunded ch_1' });
    expect(held).toMatchObject({ accessRevokedAt: new Date(clock.now()), accessRevokedReason: 'charge.refunded ch_1' });
    await clock.advance(1000);
    expect(await store.holdSubscription(sub.id, { at: clock.now(), reason: 'charge.dispute.created dp_1' })).toMatchObject({ accessRevokedReason: 'charge.refunded ch_1' });
    await store.upsertSubscription({ accountId: a.id, stripeSubscriptionId: 'sub_h1', planId: 'pro', status: 'active', cancelAtPeriodEnd: true });
    expect((await store.listSubscriptions(a.id))[0]).toMatchObject({ cancelAtPeriodEnd: true, accessRevokedReason: 'charge.refunded ch_1' });
    expect(await store.holdSubscription('sub_unknown', { at: clock.now(), reason: 'x' })).toBeNull();
  });
});

describe('destinations', () => {
  it('adds, finds, disables and enables a direct destination', async () => {
    const a = await store.createAccount();
    const idn = await store.addIdentity(a.id, 'telegram', '42');
    const d = await store.addDestination({ kind: 'direct', recipient: { platform: 'telegram', chatId: '42' }, accountId: a.id, identityId: idn.id, contentKinds: ['alert', 'alert', 'rationale'] });
    expect(d).toMatchObject({ kind: 'direct', platform: 'telegram', recipientKey: 'telegram:42', contentKinds: ['alert', 'rationale'], enabled: true, isGroup: false });
    expect((await store.findDestinationByRecipient({ platform: 'telegram', chatId: '42' }))?.id).toBe(d.id);

    clock.set(clock.now() + 1);
    await store.disableDestination(d.id, 'blocked');
    expect(await store.getDestination(d.id)).toMatchObject({ enabled: false, disabledReason: 'blocked', disabledAt: new Date(clock.now()) });
    expect(await store.listDestinations({ accountId: a.id, enabled: true })).toEqual([]);
    await store.enableDestination(d.id);
    expect(await store.getDestination(d.id)).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null });
  });

  it('adds a channel with its plan and refuses a second destination for the same chat', async () => {
    const c = await store.addDestination({ kind: 'channel', recipient: { platform: 'slack', tenant: 'T1', chatId: 'C1' }, planId: 'enterprise', contentKinds: ['alert'], isGroup: true, label: '#alerts' });
    expect(c).toMatchObject({ planId: 'enterprise', recipient: { platform: 'slack', tenant: 'T1', chatId: 'C1' }, recipientKey: 'slack:T1:C1', isGroup: true, label: '#alerts' });
    await expect(store.addDestination({ kind: 'channel', recipient: { platform: 'slack', tenant: 'T1', chatId: 'C1' }, contentKinds: ['alert'] })).rejects.toMatchObject({ code: 'conflict' });
    expect((await store.listDestinations({ kind: 'channel' })).map((d) => d.id)).toEqual([c.id]);
  });

  it('needs an account for a direct destination and at least one content kind', async () => {
    await expect(store.addDestination({ kind: 'direct', recipient: { platform: 'testchat', chatId: '1' }, contentKinds: ['alert'] })).rejects.toThrow('accountId: a direct destination needs the account it belongs to');
    await expect(store.addDestination({ kind: 'channel', recipient: { platform: 'testchat', chatId: '-1' }, contentKinds: [] })).rejects.toThrow('contentKinds: expected at least one kind');
  });

  it('skips the pending deliveries of a destination it disables, so enabling it again sends no backlog late', async () => {
    const c = await store.addDestination({ kind: 'channel', recipient: { platform: 'slack', tenant: 'T1', chatId: 'C1' }, planId: 'enterprise', contentKinds: ['alert'] });
    const other = await store.addDestination({ kind: 'channel', recipient: { platform: 'slack', tenant: 'T1', chatId: 'C2' }, planId: 'enterprise', contentKinds: ['alert'] });
    const signal = insertSignal(db);
    const pending = insertDelivery(db, { destinationId: c.id, contentId: signal, dueAt: clock.now() });
    const sent = insertDelivery(db, { destinationId: c.id, contentId: insertSignal(db), dueAt: clock.now(), state: 'sent' });
    const elsewhere = insertDelivery(db, { destinationId: other.id, contentId: signal, dueAt: clock.now() });
    await store.disableDestination(c.id, 'unsubscribed');
    await store.enableDestination(c.id);
    const states = db.$client.prepare('select id, state, skip_reason as reason from deliveries order by id').all();
    expect(states).toEqual([
      { id: pending, state: 'skipped', reason: 'destination_disabled' },
      { id: sent, state: 'sent', reason: null },
      { id: elsewhere, state: 'pending', reason: null },
    ]);
  });

  it('says so when disabling an unknown destination', async () => {
    await expect(store.disableDestination('dst_nope', 'gone')).rejects.toMatchObject({ code: 'not_found' });
  });
});

// Two imaginary platforms: "teamchat" has per-workspace user ids (as Slack), "guildchat" global ones (as Discord).
describe('tenants', () => {
  it('keeps a user id per tenant where the platform\'s ids are per workspace: one id in two workspaces is two people', async () => {
    const a = await store.createAccount();
    const b = await store.createAccount();
    const inT1 = await store.addIdentity(a.id, 'teamchat', 'U1', 'ada', { tenant: 'T1' });
    await store.addIdentity(b.id, 'teamchat', 'U1', 'bob', { tenant: 'T2' });
    expect(inT1).toMatchObject({ platform: 'teamchat', platformUserId: 'U1', tenant: 'T1' });
    expect((await store.findAccountByIdentity('teamchat', 'U1', 'T1'))?.id).toBe(a.id);
    expect((await store.findAccountByIdentity('teamchat', 'U1', 'T2'))?.id).toBe(b.id);
    expect((await store.findIdentity('teamchat', 'U1', 'T2'))?.username).toBe('bob');
    // Without its tenant, a per-workspace id names nobody.
    expect(await store.findAccountByIdentity('teamchat', 'U1')).toBeNull();
    const c = await store.createAccount();
    await expect(store.addIdentity(c.id, 'teamchat', 'U1', null, { tenant: 'T1' })).rejects.toThrow(`teamchat user U1 in T1 already belongs to account ${a.id}`);
  });

  it('keeps a global user id one identity, with no tenant, as every identity made before tenants', async () => {
    const a = await store.createAccount();
    const b = await store.createAccount();
    expect(await store.addIdentity(a.id, 'guildchat', '42')).toMatchObject({ tenant: null });
    expect(await store.addIdentity(a.id, 'telegram', '1001')).toMatchObject({ tenant: null });
    expect((await store.findAccountByIdentity('guildchat', '42'))?.id).toBe(a.id);
    expect((await store.findAccountByIdentity('telegram', '1001', null))?.id).toBe(a.id);
    await expect(store.addIdentity(b.id, 'guildchat', '42')).rejects.toMatchObject({ code: 'conflict' });
    // The database holds the rule too (SQLite counts NULLs as distinct, so it is a partial index).
    expect(() => db.$client.prepare("INSERT INTO identities (id, account_id, platform, platform_user_id, created_at) VALUES ('idn_x', ?, 'guildchat', '42', 0)").run(b.id))
      .toThrow(/UNIQUE constraint failed/);
    expect(() => db.$client.prepare("INSERT INTO identities (id, account_id, platform, platform_user_id, tenant, created_at) VALUES ('idn_y', ?, 'teamchat', '9', 'T1', 0), ('idn_z', ?, 'teamchat', '9', 'T1', 0)").run(a.id, b.id))
      .toThrow(/UNIQUE constraint failed/);
  });

  it('gives a destination its recipient\'s tenant, so that one workspace\'s destinations are one query; recipient keys stay as they were', async () => {
    const a = await store.createAccount();
    const c1 = await store.addDestination({ kind: 'channel', recipient: { platform: 'teamchat', tenant: 'T1', chatId: 'C1' }, accountId: a.id, contentKinds: ['alert'] });
    await store.addDestination({ kind: 'channel', recipient: { platform: 'teamchat', tenant: 'T2', chatId: 'C1' }, contentKinds: ['alert'] });
    const c2 = await store.addDestination({ kind: 'channel', recipient: { platform: 'teamchat', tenant: 'T1', chatId: 'C2' }, contentKinds: ['alert'] });
    await store.addDestination({ kind: 'channel', recipient: { platform: 'guildchat', tenant: 'T1', chatId: 'C3' }, contentKinds: ['alert'] });
    const plain = await store.addDestination({ kind: 'channel', recipient: { platform: 'telegram', chatId: '-100' }, planId: 'free', contentKinds: ['alert'] });
    expect(c1).toMatchObject({ tenant: 'T1', recipientKey: 'teamchat:T1:C1', accountId: a.id, planId: null });
    expect(plain).toMatchObject({ tenant: null, recipientKey: 'telegram:-100' });
    expect((await store.listDestinations({ platform: 'teamchat', tenant: 'T1' })).map((d) => d.id)).toEqual([c1.id, c2.id]);
    expect((await store.listDestinations({ platform: 'teamchat', tenant: 'T1', accountId: a.id })).map((d) => d.id)).toEqual([c1.id]);
    expect(db.$client.prepare("SELECT tenant FROM destinations WHERE recipient_key = 'telegram:-100'").pluck().get()).toBeNull();
  });

  it('refuses a channel that is both owned by an account and given a plan, and writes nothing', async () => {
    const a = await store.createAccount();
    await expect(store.addDestination({ kind: 'channel', recipient: { platform: 'teamchat', tenant: 'T1', chatId: 'C1' }, accountId: a.id, planId: 'pro', contentKinds: ['alert'] }))
      .rejects.toThrow("planId: a channel an account owns follows that account's subscription: give accountId or planId, not both");
    expect(await store.listDestinations()).toEqual([]);
  });
});
