// The Stripe event store on real SQLite: each event id recorded once, customers linked to accounts without stealing.
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { openMemoryDatabase, type Db } from '../client';
import { SqliteAccountStore } from './account-store';
import { SqliteStripeEventStore } from './stripe-event-store';

let db: Db;
let accounts: SqliteAccountStore;
let store: SqliteStripeEventStore;
const clock = new FakeClock();
beforeEach(() => {
  db = openMemoryDatabase();
  accounts = new SqliteAccountStore({ db, clock });
  store = new SqliteStripeEventStore({ db, clock });
});

describe('SqliteStripeEventStore', () => {
  it('records an event id once, with its outcome and time', async () => {
    expect(await store.hasEvent('evt_1')).toBe(false);
    expect(await store.recordEvent({ id: 'evt_1', type: 'invoice.paid', outcome: 'applied' })).toBe(true);
    expect(await store.recordEvent({ id: 'evt_1', type: 'invoice.paid', outcome: 'unchanged' })).toBe(false);
    expect(await store.hasEvent('evt_1')).toBe(true);
    expect(store.outcomeOf('evt_1')).toBe('applied');
    expect(db.$client.prepare('select received_at as at from stripe_events').get()).toEqual({ at: clock.now() });
  });

  it('links a customer to an account that has none, keeps an existing one, and refuses to take another account\'s', async () => {
    const a = await accounts.createAccount();
    const b = await accounts.createAccount({ stripeCustomerId: 'cus_b' });
    expect(await store.linkCustomer(a.id, 'cus_a')).toBe('cus_a');
    expect(await store.linkCustomer(a.id, 'cus_other')).toBe('cus_a');
    const c = await accounts.createAccount();
    await expect(store.linkCustomer(c.id, 'cus_b')).rejects.toMatchObject({ code: 'conflict' });
    expect((await accounts.getAccount(c.id))?.stripeCustomerId).toBeNull();
    expect((await accounts.findAccountByStripeCustomer('cus_a'))?.id).toBe(a.id);
    expect(b.stripeCustomerId).toBe('cus_b');
  });

  it('finds and lists Stripe mirrors, leaving operator grants out', async () => {
    const a = await accounts.createAccount();
    await accounts.upsertSubscription({ accountId: a.id, stripeSubscriptionId: 'sub_1', planId: 'pro', status: 'active' });
    await accounts.upsertSubscription({ accountId: a.id, planId: 'vip', status: 'active', source: 'grant' });
    expect((await store.findSubscription('sub_1'))?.planId).toBe('pro');
    expect(await store.findSubscription('sub_2')).toBeNull();
    expect((await store.listStripeSubscriptions()).map((s) => s.stripeSubscriptionId)).toEqual(['sub_1']);
  });
});
