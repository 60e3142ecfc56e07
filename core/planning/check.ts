// The entitlement check for one signal: which candidate destinations get it, when, at which priority, or why not.
import { entitlementOf, plainPlanOf } from '../entitlement';
import { freePlan, isPaid, planById } from '../plans/lookup';
import type { Plan } from '../plans/schema';
import type { PlatformName } from '../types';
import { directExclusion, filterExclusion, licensedPlatforms, ownedChannelExclusion } from './filters';
import { deferPastQuietHours } from './quiet-hours';
import {
  DELIVERY_PRIORITY,
  type Candidate,
  type EntitledRecipient,
  type Exclusion,
  type ExclusionReason,
  type OperatorAlert,
  type PlanningAccount,
  type PlanningContext,
  type PlanningSignal,
  type RecipientCheck,
} from './types';

const MINUTE_MS = 60_000;

/** What one batch of candidates came to. */
export interface RecipientBatch {
  recipients: EntitledRecipient[];
  excluded: Exclusion[];
}

function priorityOf(plan: Plan, paid: boolean): number {
  return paid && plan.delayMinutes === 0 ? DELIVERY_PRIORITY.paidRealtime : DELIVERY_PRIORITY.delayed;
}

function quietDue(account: PlanningAccount, dueAt: number): number {
  if (account.quietStart === null || account.quietEnd === null) return dueAt;
  return deferPastQuietHours(dueAt, { start: account.quietStart, end: account.quietEnd, timeZone: account.timeZone });
}

/** The shorter of the plan's and the signal's maximum alert age, in minutes; null when neither sets one. */
export function maxAlertAgeOf(plan: Plan, signal: PlanningSignal): number | null {
  // Once per recipient: no array, no spread.
  const ofPlan = plan.maxAlertAgeMinutes;
  const ofSignal = signal.maxAlertAgeMinutes;
  if (typeof ofPlan !== 'number') return typeof ofSignal === 'number' ? ofSignal : null;
  return typeof ofSignal === 'number' ? Math.min(ofPlan, ofSignal) : ofPlan;
}

function entitled(
  c: Candidate, accountId: string | null, plan: Plan, paid: boolean, dueAt: number, capped: boolean, deferred: boolean, signal: PlanningSignal,
): EntitledRecipient {
  const age = capped || deferred ? null : maxAlertAgeOf(plan, signal);
  return {
    destinationId: c.destinationId,
    platform: c.platform,
    recipientKey: c.recipientKey,
    accountId,
    planId: plan.id,
    paid,
    priority: priorityOf(plan, paid),
    dueAt,
    protectContent: plan.protectContent,
    state: capped ? 'skipped' : 'pending',
    skipReason: capped ? 'daily_cap' : null,
    deferred,
    expiresAt: age === null ? null : dueAt + age * MINUTE_MS,
  } as EntitledRecipient;
}

/**
 * Checks the candidates of one signal, in as many batches as the caller likes (so that 100,000
 * subscribers need not sit in memory at once); what it learns about each account (its plan, its
 * daily cap) holds across batches.
 *
 * Channels follow their plan's delay. Direct destinations follow their account's entitlement (the
 * free plan when lapsed), the plan's direct-message and platform rights, the account's settings and
 * filters, the daily cap (one decision per account per signal; over the cap, a skipped recipient is
 * returned so that it is written and counted) and quiet hours (the due time moves to their end,
 * after any delay). A channel an account owns follows that account's entitlement in the same way:
 * its plan's delay, platform rights and daily cap, and the account's filters; lapsed, it gets what
 * the free plan gives on its platform (nothing where the free plan is not offered there). On a
 * platform some plan licenses per workspace (Slack), an owned channel gets nothing unless its
 * owner's plan has that licence. A channel's own filters (`filters`) apply besides its owner's.
 */
export class RecipientChecker {
  planned = 0;
  skipped = 0;
  readonly excludedBy = new Map<ExclusionReason, number>();
  readonly operatorAlerts: OperatorAlert[] = [];
  private readonly free: Plan;
  /** Platforms licensed per workspace: an owned channel there needs its owner's plan to have the licence. */
  private readonly licensed: ReadonlySet<PlatformName>;
  /** Plans of the accounts entitlementOf had to decide (see planOf). */
  private readonly decided = new Map<string, Plan>();
  /** Whether each account with a capped plan is over its cap: asked once per account. */
  private readonly overCap = new Map<string, boolean>();

  constructor(private readonly signal: PlanningSignal, private readonly ctx: PlanningContext) {
    this.free = freePlan(ctx.plans);
    this.licensed = licensedPlatforms(ctx.plans);
  }

  check(candidates: Iterable<Candidate>): RecipientBatch {
    const { now, plans } = this.ctx;
    const recipients: EntitledRecipient[] = [];
    const excluded: Exclusion[] = [];
    const exclude = (destinationId: string, accountId: string | null, reason: ExclusionReason) => {
      excluded.push({ destinationId, accountId, reason });
      this.excludedBy.set(reason, (this.excludedBy.get(reason) ?? 0) + 1);
    };

    for (const c of candidates) {
      if (c.kind === 'channel' && c.owner) {
        const owner = c.owner;
        const plan = this.planOf(owner);
        const reason = ownedChannelExclusion(plan, c.platform, owner, this.signal, this.licensed)
          ?? (c.filters ? filterExclusion(c.filters, this.signal) : null);
        if (reason) {
          exclude(c.destinationId, owner.id, reason);
          continue;
        }
        const capped = plan.dailyCap !== null && this.isOverCap(owner.id, plan.dailyCap);
        recipients.push(entitled(c, owner.id, plan, isPaid(plan), now + plan.delayMinutes * MINUTE_MS, capped, false, this.signal));
        if (capped) this.skipped++;
        else this.planned++;
        continue;
      }
      if (c.kind === 'channel') {
        const plan = c.planId === null ? this.free : planById(plans, c.planId);
        if (!plan) {
          exclude(c.destinationId, null, 'unknown_plan');
          continue;
        }
        const filtered = c.filters ? filterExclusion(c.filters, this.signal) : null;
        if (filtered) {
          exclude(c.destinationId, null, filtered);
          continue;
        }
        recipients.push(entitled(c, null, plan, isPaid(plan), now + plan.delayMinutes * MINUTE_MS, false, false, this.signal));
        this.planned++;
        continue;
      }

      const account = c.account;
      if (!account) {
        exclude(c.destinationId, null, 'no_account');
        continue;
      }
      const plan = this.planOf(account);
      const reason = directExclusion(plan, c.platform, account, this.signal);
      if (reason) {
        exclude(c.destinationId, account.id, reason);
        continue;
      }
      const capped = plan.dailyCap !== null && this.isOverCap(account.id, plan.dailyCap);
      const due = now + plan.delayMinutes * MINUTE_MS;
      const dueAt = capped ? due : quietDue(account, due);
      recipients.push(entitled(c, account.id, plan, isPaid(plan), dueAt, capped, dueAt !== due, this.signal));
      if (capped) this.skipped++;
      else this.planned++;
    }
    return { recipients, excluded };
  }

  /** Excluded candidates so far, all reasons together. */
  get excludedCount(): number {
    let n = 0;
    for (const count of this.excludedBy.values()) n += count;
    return n;
  }

  /**
   * The account's plan for this signal. The plain cases (see plainPlanOf) are pure and cheap, so
   * they are simply worked out again for each destination; the others go through entitlementOf once
   * per account, and their operator alerts are reported once.
   */
  private planOf(account: PlanningAccount): Plan {
    const plain = plainPlanOf(this.ctx.plans, account.subscriptions, this.ctx.now);
    if (plain) return plain;
    let plan = this.decided.get(account.id);
    if (!plan) {
      const entitlement = entitlementOf(this.ctx.plans, account.subscriptions, this.ctx.now);
      if (entitlement.alertOperator) {
        for (const v of entitlement.verdicts) {
          if (v.alertOperator) this.operatorAlerts.push({ accountId: account.id, subscriptionId: v.subscriptionId, status: v.status, reason: v.reason });
        }
      }
      plan = entitlement.plan;
      this.decided.set(account.id, plan);
    }
    return plan;
  }

  private isOverCap(accountId: string, cap: number): boolean {
    let over = this.overCap.get(accountId);
    if (over === undefined) {
      over = this.ctx.usageToday(accountId) >= cap;
      this.overCap.set(accountId, over);
    }
    return over;
  }
}

/** Checks every candidate of one signal at once; see RecipientChecker. */
export function checkRecipients(signal: PlanningSignal, candidates: Iterable<Candidate>, ctx: PlanningContext): RecipientCheck {
  const checker = new RecipientChecker(signal, ctx);
  const { recipients, excluded } = checker.check(candidates);
  return { recipients, excluded, planned: checker.planned, skipped: checker.skipped, operatorAlerts: checker.operatorAlerts };
}
