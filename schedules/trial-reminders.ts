// Trial-ending reminders: hourly, a subscription in its trial hears once 3 days before it ends and once 1 day before, through the notice outbox.
import type { NoticeOutbox } from '../core/access/notices';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { planById, type PlansConfig } from '../core/plans';
import type { Db } from '../db/client';
import type { OnceKeys } from '../db/stores/once-keys';
import type { GuardableJob } from './guard';
import { dateIn } from './time';

const DAY_MS = 86_400_000;

/** Hourly, at minute 41 (off the other jobs' minutes). */
export const TRIAL_REMINDERS_SCHEDULE = '41 * * * *';

/** The reminders, nearest last: a trial ending within a threshold's days gets that threshold's reminder once. */
export const TRIAL_THRESHOLDS = [{ name: '3d', days: 3 }, { name: '1d', days: 1 }] as const;

export interface TrialRemindersDeps {
  db: Db;
  onceKeys: OnceKeys;
  outbox: NoticeOutbox;
  plans: PlansConfig;
  poke?: (() => void) | undefined;
  clock: Clock;
  /** OPERATOR_TIME_ZONE: the end date is written in it. */
  timeZone: string;
  logger: Logger;
}

interface TrialRow {
  id: string;
  accountId: string;
  planId: string;
  trialEnd: number;
  cancelAtPeriodEnd: number;
}

interface IdentityRow {
  platform: string;
  platformUserId: string;
  tenant: string | null;
}

export interface TrialRemindersResult {
  /** Subscriptions reminded on this run. */
  reminded: number;
  /** Notices queued (one per identity of each). */
  queued: number;
}

/**
 * The reminder. A trial set to cancel at its end hears that nothing will be charged (and how to
 * keep the plan), not that it is about to pay. A workspace's admin (an identity in a tenant) is
 * pointed at the workspace's own command.
 */
export function trialReminderText(planName: string, endDate: string, cancelling: boolean, inWorkspace: boolean): string {
  const billing = inWorkspace ? '/signals billing' : '/billing';
  return cancelling
    ? `Your ${planName} trial ends on ${endDate}. It is set to cancel, so nothing will be charged and the plan stops then. Want to keep it? Send ${billing}.`
    : `Your ${planName} trial ends on ${endDate}; your subscription then continues and the first payment is taken. Send ${billing} to change your payment details or cancel before then.`;
}

/** The threshold a trial ending at `trialEnd` is within at `now` (the nearest), or null when neither. */
export function thresholdFor(trialEnd: number, now: number): (typeof TRIAL_THRESHOLDS)[number] | null {
  const left = trialEnd - now;
  if (left <= 0) return null;
  let found: (typeof TRIAL_THRESHOLDS)[number] | null = null;
  for (const t of TRIAL_THRESHOLDS) if (left <= t.days * DAY_MS) found = t;
  return found;
}

/**
 * One run: every trialing subscription (not held after a refund) whose trial ends within 3 days.
 * Each gets the reminder of the nearest threshold it is within, once (a once key per subscription
 * and threshold, claimed in the transaction that queues the notices); a trial first seen within
 * 1 day gets the 1-day reminder only, and its 3-day key is spent with it.
 */
export async function remindTrials(deps: TrialRemindersDeps): Promise<TrialRemindersResult> {
  const now = deps.clock.now();
  const sqlite = deps.db.$client;
  const trials = sqlite.prepare(`SELECT id, account_id AS accountId, plan_id AS planId, trial_end AS trialEnd, cancel_at_period_end AS cancelAtPeriodEnd
    FROM subscriptions WHERE status = 'trialing' AND access_revoked_at IS NULL AND trial_end > ? AND trial_end <= ? ORDER BY trial_end`)
    .all(now, now + TRIAL_THRESHOLDS[0].days * DAY_MS) as TrialRow[];
  const identitiesOf = sqlite.prepare('SELECT platform, platform_user_id AS platformUserId, tenant FROM identities WHERE account_id = ? ORDER BY platform');
  const result: TrialRemindersResult = { reminded: 0, queued: 0 };
  for (const trial of trials) {
    const threshold = thresholdFor(trial.trialEnd, now);
    if (!threshold) continue;
    const planName = planById(deps.plans, trial.planId)?.name ?? trial.planId;
    const endDate = dateIn(trial.trialEnd, deps.timeZone);
    const queued = deps.db.transaction(() => {
      if (!deps.onceKeys.claim(`trial-reminder:${trial.id}:${threshold.name}`, now)) return null;
      // The farther thresholds are spent too: a reminder never comes after a nearer one.
      for (const t of TRIAL_THRESHOLDS) if (t.days > threshold.days) deps.onceKeys.claim(`trial-reminder:${trial.id}:${t.name}`, now);
      let count = 0;
      for (const identity of identitiesOf.all(trial.accountId) as IdentityRow[]) {
        const text = trialReminderText(planName, endDate, trial.cancelAtPeriodEnd === 1, identity.tenant !== null);
        const person = { accountId: trial.accountId, platform: identity.platform, platformUserId: identity.platformUserId, tenant: identity.tenant };
        const notice = deps.outbox.enqueue(person, { topic: 'trial_ending', text }, now);
        if (notice.queued) count += 1;
        else deps.logger.warn({ subscriptionId: trial.id, platform: identity.platform, detail: notice.detail }, 'could not queue a trial reminder');
      }
      return count;
    });
    if (queued === null) continue;
    result.reminded += 1;
    result.queued += queued;
  }
  if (result.queued > 0) deps.poke?.();
  return result;
}

/** Hourly: the reminders' thresholds are days, so an hour late is on time. */
export function trialRemindersJob(deps: TrialRemindersDeps, schedule: string = TRIAL_REMINDERS_SCHEDULE): GuardableJob {
  return { name: 'trial-reminders', schedule, maxDurationMs: 10 * 60_000, run: () => remindTrials(deps) };
}
