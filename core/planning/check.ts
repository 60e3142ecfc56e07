// The entitlement check for one signal: which candidate destinations get it, when, at which priority, or why not.
import { entitlementOf, type Entitlement } from '../entitlement';
import { freePlan, isPaid, planById } from '../plans/lookup';
import type { Plan } from '../plans/schema';
import { directExclusion } from './filters';
import { deferPastQuietHours } from './quiet-hours';
import {
  DELIVERY_PRIORITY,
  type Candidate,
  type EntitledRecipient,
  type Exclusion,
  type OperatorAlert,
  type PlanningAccount,
  type PlanningContext,
  type PlanningSignal,
  type RecipientCheck,
} from './types';

const MINUTE_MS = 60_000;

function priorityOf(plan: Plan, paid: boolean): number {
  return paid && plan.delayMinutes === 0 ? DELIVERY_PRIORITY.paidRealtime : DELIVERY_PRIORITY.delayed;
}

function quietDue(account: PlanningAccount, dueAt: number): number {
  if (account.quietStart === null || account.quietEnd === null) return dueAt;
  return deferPastQuietHours(dueAt, { start: account.quietStart, end: account.quietEnd, timeZone: account.timeZone });
}

/**
 * Decides, for every candidate, whether it gets the signal. Channels follow their plan's delay.
 * Direct destinations follow their account's entitlement (free plan when lapsed), the plan's
 * direct-message and platform rights, the account's settings and filters, the daily cap (one
 * decision per account per signal; over the cap, a skipped recipient is returned so that it is
 * written and counted) and quiet hours (the due time moves to their end, after any delay).
 */
export function checkRecipients(signal: PlanningSignal, candidates: Iterable<Candidate>, ctx: PlanningContext): RecipientCheck {
  const { plans, now } = ctx;
  const free = freePlan(plans);
  const recipients: EntitledRecipient[] = [];
  const excluded: Exclusion[] = [];
  const operatorAlerts: OperatorAlert[] = [];
  const entitlements = new Map<string, Entitlement>();
  const overCap = new Map<string, boolean>();
  let planned = 0;
  let skipped = 0;

  const accept = (c: Candidate, accountId: string | null, plan: Plan, paid: boolean, dueAt: number, capped: boolean, deferred: boolean) => {
    recipients.push({
      destinationId: c.destinationId,
      platform: c.platform,
      recipientKey: c.recipientKey,
      accountId,
      planId: plan.id,
      paid,
      priority: priorityOf(plan, paid),
      dueAt,
      state: capped ? 'skipped' : 'pending',
      skipReason: capped ? 'daily_cap' : null,
      deferred,
    } as EntitledRecipient);
    if (capped) skipped++;
    else planned++;
  };

  for (const c of candidates) {
    if (c.kind === 'channel') {
      const plan = c.planId === null ? free : planById(plans, c.planId);
      if (!plan) {
        excluded.push({ destinationId: c.destinationId, accountId: null, reason: 'unknown_plan' });
        continue;
      }
      accept(c, null, plan, isPaid(plan), now + plan.delayMinutes * MINUTE_MS, false, false);
      continue;
    }

    const account = c.account;
    if (!account) {
      excluded.push({ destinationId: c.destinationId, accountId: null, reason: 'no_account' });
      continue;
    }
    let entitlement = entitlements.get(account.id);
    if (!entitlement) {
      entitlement = entitlementOf(plans, account.subscriptions, now);
      entitlements.set(account.id, entitlement);
      for (const v of entitlement.verdicts) {
        if (v.alertOperator) operatorAlerts.push({ accountId: account.id, subscriptionId: v.subscriptionId, status: v.status, reason: v.reason });
      }
    }
    const plan = entitlement.plan;
    const reason = directExclusion(plan, c.platform, account, signal);
    if (reason) {
      excluded.push({ destinationId: c.destinationId, accountId: account.id, reason });
      continue;
    }
    let capped = false;
    if (plan.dailyCap !== null) {
      let over = overCap.get(account.id);
      if (over === undefined) {
        over = ctx.usageToday(account.id) >= plan.dailyCap;
        overCap.set(account.id, over);
      }
      capped = over;
    }
    const due = now + plan.delayMinutes * MINUTE_MS;
    const dueAt = capped ? due : quietDue(account, due);
    accept(c, account.id, plan, entitlement.paid, dueAt, capped, dueAt !== due);
  }
  return { recipients, excluded, planned, skipped, operatorAlerts };
}
