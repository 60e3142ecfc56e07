// Referrals: the code a subscriber shares, who referred whom, and the one credit each referral earns.
import { randomBytes } from 'node:crypto';
import type { Account } from '../accounts/types';

/** One credit given to a referrer for one referred account. */
export interface ReferralCredit {
  id: string;
  referrerAccountId: string;
  referredAccountId: string;
  amountCents: number;
  currency: string;
  /** Set once Stripe has applied the credit; null while it is claimed but not yet applied. */
  stripeBalanceTransactionId: string | null;
  createdAt: Date;
}

/** Referral codes and credits; db/stores/referral-store.ts implements it on SQLite. */
export interface ReferralStore {
  findAccountByReferralCode(code: string): Promise<Account | null>;
  /** The account's code, created (and saved) on first use. */
  ensureReferralCode(accountId: string): Promise<string>;
  /** Records who referred the account, unless it already has a referrer or would refer itself; true when set. */
  setReferredBy(accountId: string, referrerAccountId: string): Promise<boolean>;
  /**
   * Claims the one credit a referred account earns. `claimed` is false when a credit already
   * exists for it; `credit` is the row either way (its transaction id tells whether it was applied).
   */
  claimCredit(claim: { referrerAccountId: string; referredAccountId: string; amountCents: number; currency: string }): Promise<{ claimed: boolean; credit: ReferralCredit }>;
  /** Marks a claimed credit applied; false when it already was (so the referrer is told once). */
  completeCredit(creditId: string, stripeBalanceTransactionId: string): Promise<boolean>;
  /** Forgets a claim Stripe refused for good, so that it does not block a later attempt. */
  dropCredit(creditId: string): Promise<void>;
}

// No 0/O, 1/I/L: a code is read aloud and typed on phones.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A new referral code: 8 characters from an unambiguous alphabet, e.g. "K7QX3MPA". */
export function newReferralCode(): string {
  const bytes = randomBytes(8);
  let code = '';
  for (const b of bytes) code += ALPHABET[b % ALPHABET.length];
  return code;
}
