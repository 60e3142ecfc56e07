// At each sandbox start the emulators are new and empty: clear what the database mirrors of them, so the two agree.
import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Clock } from '../core/clock';
import type { Db } from '../db/client';
import { accessJobs, accessMemberships, accounts, deliveries, identities, inviteLinks, referralCredits, subscriptions } from '../db/schema';
import { SqliteAuditLog } from '../db/stores/audit-store';

/** What a reset cleared, and the Telegram and Discord users the emulators are told about again. */
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
  /** The Discord identities of the database, to exist in the new emulator (and be in its servers again). */
  discordUsers: { id: string; username: string | undefined }[];
}

/** The chat emulators a reset is for: their memberships, invite links, grants and access jobs go. */
type ChatEmulators = { telegram: boolean; discord: boolean };

/**
 * Resets the sandbox's accounts to match emulators that start empty. With the Stripe emulator: every
 * subscription with a Stripe id, every Stripe customer id and referral credit. With the Telegram or
 * Discord emulator: that platform's tracked memberships (channel members, held roles) and invite
 * links, and the operator grants (their members are no longer in the channels or servers), with the
 * access jobs and unsent access messages made for them. Accounts, identities, their settings, signals, deliveries and API keys stay.
 * One transaction, with an audit event. Only for emulators that replace a real service.
 */
export function resetSandboxAccounts(db: Db, clock: Clock, emulators: Partial<ChatEmulators> & { stripe: boolean }): SandboxResetReport {
  // better-sqlite3 has one connection: the audit row is written inside this transaction.
  const audit = new SqliteAuditLog({ db, clock });
  return db.transaction((tx) => {
    const report: SandboxResetReport = { subscriptions: 0, memberships: 0, inviteLinks: 0, stripeCustomers: 0, referralCredits: 0, accessJobs: 0, notices: 0, telegramUsers: [], discordUsers: [] };
    const chats = (['telegram', 'discord'] as const).filter((platform) => emulators[platform]);
    if (emulators.stripe) {
      // Only those Stripe made: a row without a Stripe id was never Stripe's (seeded or imported), and no reconcile compares it.
      report.subscriptions += tx.delete(subscriptions).where(and(eq(subscriptions.source, 'stripe'), isNotNull(subscriptions.stripeSubscriptionId))).run().changes;
      report.stripeCustomers = tx.update(accounts).set({ stripeCustomerId: null }).where(isNotNull(accounts.stripeCustomerId)).run().changes;
      report.referralCredits = tx.delete(referralCredits).run().changes;
    }
    if (chats.length > 0) {
      // A grant's member is no longer in the new emulators' channels and servers: the grant goes with the memberships.
      report.subscriptions += tx.delete(subscriptions).where(eq(subscriptions.source, 'grant')).run().changes;
      report.memberships = tx.delete(accessMemberships).where(inArray(accessMemberships.platform, chats)).run().changes;
      report.inviteLinks = tx.delete(inviteLinks).where(inArray(inviteLinks.platform, chats)).run().changes;
      // A job or message made for the old emulators would act on chats, roles and links that no longer exist.
      report.accessJobs = tx.delete(accessJobs).run().changes;
      report.notices = tx.update(deliveries).set({ state: 'skipped', skipReason: 'sandbox_reset' })
        .where(and(eq(deliveries.contentType, 'notice'), inArray(deliveries.state, ['pending', 'sending']))).run().changes;
    }
    const usersOf = (platform: string) => tx.select({ id: identities.platformUserId, username: identities.username }).from(identities)
      .where(eq(identities.platform, platform)).all();
    if (emulators.telegram) {
      report.telegramUsers = usersOf('telegram')
        .map((row) => ({ id: Number(row.id), username: row.username ?? undefined }))
        .filter((user) => Number.isSafeInteger(user.id) && user.id > 0);
    }
    if (emulators.discord) {
      report.discordUsers = usersOf('discord')
        .filter((row) => /^\d{17,20}$/.test(row.id))
        .map((row) => ({ id: row.id, username: row.username ?? undefined }));
    }
    const { telegramUsers, discordUsers, ...cleared } = report;
    audit.record({
      actor: 'sandbox',
      action: 'sandbox.reset',
      subjectType: 'sandbox',
      subjectId: 'sandbox',
      reason: 'the emulators start empty at each start of sandbox mode',
      data: { ...cleared, telegramUsers: telegramUsers.length, discordUsers: discordUsers.length, emulators },
    });
    return report;
  });
}
