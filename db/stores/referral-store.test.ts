// The referral store on real SQLite: codes made lazily and kept, referrers set once, one credit per referred account.
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { openMemoryDatabase, type Db } from '../client';
import { SqliteAccountStore } from './account-store';
import { SqliteReferralStore } from './referral-store';

let db: Db;
let accounts: SqliteAccountStore;
const clock = new FakeClock();
beforeEach(() => {
  db = openMemoryDatabase();
  accounts = new SqliteAccountStore({ db, clock });
});

describe('SqliteReferralStore', () => {
  it('makes a code on first use, keeps it, and finds the account by it', async () => {
    const store = new SqliteReferralStore({ db, clock });
    const account = await accounts.createAccount();
    const code = await store.ensureReferralCode(account.id);
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    expect(await store.ensureReferralCode(account.id)).toBe(code);
    expect((await store.findAccountByReferralCode(code))?.id).toBe(account.id);
    expect(await store.findAccountByReferralCode('NOPE')).toBeNull();
  });

  it('draws again when a code is taken', async () => {
    const codes = ['TAKEN111', 'TAKEN111', 'FRESH222'];
    const store = new SqliteReferralStore({ db, clock, newCode: () => codes.shift() as string });
    const first = await accounts.createAccount();
    const second = await accounts.createAccount();
    expect(await store.ensureReferralCode(first.id)).toBe('TAKEN111');
    expect(await store.ensureReferralCode(second.id)).toBe('FRESH222');
  });

  it('records a referrer once, and never the account itself', async () => {
    const store = new SqliteReferralStore({ db, clock });
    const [a, b, c] = [await accounts.createAccount(), await accounts.createAccount(), await accounts.createAccount()];
    expect(await store.setReferredBy(c.id, c.id)).toBe(false);
    expect(await store.setReferredBy(c.id, a.id)).toBe(true);
    expect(await store.setReferredBy(c.id, b.id)).toBe(false);
    expect((await accounts.getAccount(c.id))?.referredBy).toBe(a.id);
  });

  it('claims one credit per referred account, completes it once, and can drop an unapplied claim', async () => {
    const store = new SqliteReferralStore({ db, clock });
    const [referrer, referred] = [await accounts.createAccount(), await accounts.createAccount()];
    const claim = { referrerAccountId: referrer.id, referredAccountId: referred.id, amountCents: 500, currency: 'usd' };
    const first = await store.claimCredit(claim);
    expect(first).toMatchObject({ claimed: true, credit: { amountCents: 500, stripeBalanceTransactionId: null } });
    const again = await store.claimCredit({ ...claim, amountCents: 900 });
    expect(again).toMatchObject({ claimed: false, credit: { id: first.credit.id, amountCents: 500 } });

    await store.dropCredit(first.credit.id);
    const retried = await store.claimCredit(claim);
    expect(retried.claimed).toBe(true);
    expect(await store.completeCredit(retried.credit.id, 'cbtxn_1')).toBe(true);
    expect(await store.completeCredit(retried.credit.id, 'cbtxn_2')).toBe(false);
    await store.dropCredit(retried.credit.id);
    expect(store.listCredits(referrer.id)).toEqual([expect.objectContaining({ stripeBalanceTransactionId: 'cbtxn_1' })]);
  });
});
