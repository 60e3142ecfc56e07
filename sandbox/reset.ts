// At each sandbox start the emulators are new and empty: clear what the database mirrors of them, so the two agree.
import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Clock } from '../core/clock';
import type { Db } from '../db/client';
import { accessJobs, accessMemberships, accounts, deliveries, identities, inviteLinks, referralCredits, subscriptions } from '../db/schema';
import { SqliteAuditLog } from '../db/stores/audit-store';

/** What a reset cleared, and the Telegram users the emulator is told about again. */
export interface SandboxResetReport {
  subscriptions: number;
  memberships: number;
  inviteLinks: number;
  stripeCustomers: number;
  referralCredits: number;
  /** Access jobs and unsent access messages made for the old emulators (their links and chats are gone). */
  accessJobs: number;
  notices: number;
  /** The Telegram identities of the database, to exist in the new emulator with their private chat. */
  telegramUsers: { id: number; username: string | undefined }[];
}

/**
 * Resets the sandbox's accounts to match emulators that start empty. With the Stripe emulator: every
 * subscription with a Stripe id, every Stripe customer id and referral credit. With the Telegram emulator: every
 * Telegram channel membership and invite link, and the operator grants (their members are no longer
 * in the channels), with the access jobs and unsent access messages made for them. Accounts, identities, their settings, signals, deliveries and API keys stay.
 * One transaction, with an audit event. Only for emulators that replace a real service.
 */
export function resetSandboxAccounts(db: Db, clock: Clock, emulators: { telegram: boolean; stripe: boolean }): SandboxResetReport {
  // better-sqlite3 has one connection: the audit row is written inside this transaction.
  const audit = new SqliteAuditLog({ db, clock });
  return db.transaction((tx) => {
    const report: SandboxResetReport = { subscriptions: 0, memberships: 0, inviteLinks: 0, stripeCustomers: 0, referralCredits: 0, accessJobs: 0, notices: 0, telegramUsers: [] };
    if (emulators.stripe) {
      // Only those Stripe made: a row without a Stripe id was never Stripe's (seeded or imported), and no reconcile compares it.
      report.subscriptions += tx.delete(subscriptions).where(and(eq(subscriptions.source, 'stripe'), isNotNull(subscriptions.stripeSubscriptionId))).run().changes;
      report.stripeCustomers = tx.update(accounts).set({ stripeCustomerId: null }).where(isNotNull(accounts.stripeCustomerId)).run().changes;
      report.referralCredits = tx.delete(referralCredits).run().changes;
    }
    if (emulators.telegram) {
      // A grant's member is no longer in the new emulator's channels: the grant goes with the memberships.
      report.subscriptions += tx.delete(subscriptions).where(eq(subscriptions.source, 'grant')).run().changes;
      report.memberships = tx.delete(accessMemberships).where(eq(accessMemberships.platform, 'telegram')).run().changes;
      report.inviteLinks = tx.delete(inviteLinks).where(eq(inviteLinks.platform, 'telegram')).run().changes;
      // A job or message made for the old emulators would act on chats and links that no longer exist.
      report.accessJobs = tx.delete(accessJobs).run().changes;
      report.notices = tx.update(deliveries).set({ state: 'skipped', skipReason: 'sandbox_reset' })
        .where(and(eq(deliveries.contentType, 'notice'), inArray(deliveries.state, ['pending', 'sending']))).run().changes;
      report.telegramUsers = tx.select({ id: identities.platformUserId, username: identities.username }).from(identities)
        .where(eq(identities.platform, 'telegram')).all()
        .map((row) => ({ id: Number(row.id), username: row.username ?? undefined }))
        .filter((user) => Number.isSafeInteger(user.id) && user.id > 0);
    }
    const { telegramUsers, ...cleared } = report;
    audit.record({
      actor: 'sandbox',
      action: 'sandbox.reset',
      subjectType: 'sandbox',
      subjectId: 'sandbox',
      reason: 'the emulators start empty at each start of sandbox mode',
      data: { ...cleared, telegramUsers: telegramUsers.length, emulators },
    });
    return report;
  });
}
