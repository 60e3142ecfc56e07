// Referral codes and the one credit per referred account, in SQLite: the ReferralStore port.
import { and, eq, isNull } from 'drizzle-orm';
import type { Account } from '../../core/accounts/types';
import { newReferralCode, type ReferralCredit, type ReferralStore } from '../../core/billing/referrals';
import type { Clock } from '../../core/clock';
import { SignalcastError } from '../../core/errors';
import { newId } from '../../core/ids';
import type { Db } from '../client';
import { accounts, referralCredits } from '../schema';
import { toAccount } from './account-store';

export class SqliteReferralStore implements ReferralStore {
  constructor(private readonly deps: { db: Db; clock: Clock; newCode?: () => string }) {}

  async findAccountByReferralCode(code: string): Promise<Account | null> {
    const row = this.deps.db.select().from(accounts).where(eq(accounts.referralCode, code.trim())).get();
    return row ? toAccount(row) : null;
  }

  async ensureReferralCode(accountId: string): Promise<string> {
    const { db } = this.deps;
    const newCode = this.deps.newCode ?? newReferralCode;
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = db.select({ code: accounts.referralCode }).from(accounts).where(eq(accounts.id, accountId)).get();
      if (!row) throw new SignalcastError('not_found', `account ${accountId} not found`);
      if (row.code !== null) return row.code;
      const code = newCode();
      const taken = db.select({ id: accounts.id }).from(accounts).where(eq(accounts.referralCode, code)).get();
      if (taken) continue;
      db.update(accounts).set({ referralCode: code }).where(and(eq(accounts.id, accountId), isNull(accounts.referralCode))).run();
    }
    throw new SignalcastError('internal', `could not find a free referral code for account ${accountId}`);
  }

  async setReferredBy(accountId: string, referrerAccountId: string): Promise<boolean> {
    if (accountId === referrerAccountId) return false;
    const changed = this.deps.db.update(accounts).set({ referredBy: referrerAccountId })
      .where(and(eq(accounts.id, accountId), isNull(accounts.referredBy))).run().changes;
    return changed === 1;
  }

  async claimCredit(claim: { referrerAccountId: string; referredAccountId: string; amountCents: number; currency: string }): Promise<{ claimed: boolean; credit: ReferralCredit }> {
    const { db } = this.deps;
    const inserted = db.insert(referralCredits).values({
      id: newId('ref'),
      referrerAccountId: claim.referrerAccountId,
      referredAccountId: claim.referredAccountId,
      amountCents: claim.amountCents,
      currency: claim.currency,
      createdAt: new Date(this.deps.clock.now()),
    }).onConflictDoNothing().returning().get();
    if (inserted) return { claimed: true, credit: inserted };
    const existing = db.select().from(referralCredits).where(eq(referralCredits.referredAccountId, claim.referredAccountId)).get();
    if (!existing) throw new SignalcastError('internal', `referral credit for ${claim.referredAccountId} vanished`);
    return { claimed: false, credit: existing };
  }

  async completeCredit(creditId: string, stripeBalanceTransactionId: string): Promise<boolean> {
    const changed = this.deps.db.update(referralCredits).set({ stripeBalanceTransactionId })
      .where(and(eq(referralCredits.id, creditId), isNull(referralCredits.stripeBalanceTransactionId))).run().changes;
    return changed === 1;
  }

  async dropCredit(creditId: string): Promise<void> {
    this.deps.db.delete(referralCredits)
      .where(and(eq(referralCredits.id, creditId), isNull(referralCredits.stripeBalanceTransactionId))).run();
  }

  /** Every credit given to a referrer, oldest first. */
  listCredits(referrerAccountId: string): ReferralCredit[] {
    return this.deps.db.select().from(referralCredits).where(eq(referralCredits.referrerAccountId, referrerAccountId)).orderBy(referralCredits.createdAt).all();
  }
}
