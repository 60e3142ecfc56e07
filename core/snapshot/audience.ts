// Who gets a snapshot: each planning candidate whose plan (a channel's, its owner's, a DM's account's) has `snapshot: true`, due now or after the account's quiet hours.
import { entitlementOf, plainPlanOf } from '../entitlement';
import { freePlan, offersOn, planById } from '../plans/lookup';
import type { Plan, PlansConfig } from '../plans/schema';
import { hasWorkspaceLicence, licensedPlatforms } from '../planning/filters';
import { deferPastQuietHours } from '../planning/quiet-hours';
import type { Candidate, PlanningAccount } from '../planning/types';

/** Why a candidate gets no snapshot. */
export type SnapshotExclusion =
  | 'no_account'
  | 'unknown_plan'
  | 'plan_no_snapshot'
  | 'plan_no_direct_messages'
  | 'platform_not_in_plan'
  | 'no_workspace_licence'
  | 'direct_messages_off'
  | 'paused';

/** A destination that gets the snapshot, and when. */
export interface SnapshotRecipient {
  destinationId: string;
  dueAt: number;
}

/**
 * Decides the snapshot's recipients with the same entitlement as alerts (core/entitlement.ts), without
 * the signal filters (a snapshot is about every signal): a channel follows its plan (the free plan
 * when it names none), an owned channel its owner's entitlement and workspace licence, a DM its
 * account's entitlement, direct-message rights and settings, and its quiet hours.
 */
export class SnapshotAudience {
  readonly excludedBy = new Map<SnapshotExclusion, number>();
  private readonly free: Plan;
  private readonly licensed: ReadonlySet<string>;
  private readonly decided = new Map<string, Plan>();

  constructor(private readonly plans: PlansConfig, private readonly now: number) {
    this.free = freePlan(plans);
    this.licensed = licensedPlatforms(plans);
  }

  check(candidates: Iterable<Candidate>): SnapshotRecipient[] {
    const out: SnapshotRecipient[] = [];
    for (const c of candidates) {
      const reason = this.exclusionOf(c);
      if (reason) this.excludedBy.set(reason, (this.excludedBy.get(reason) ?? 0) + 1);
      else out.push({ destinationId: c.destinationId, dueAt: c.kind === 'direct' && c.account ? this.quietDue(c.account) : this.now });
    }
    return out;
  }

  private exclusionOf(c: Candidate): SnapshotExclusion | null {
    if (c.kind === 'channel' && c.owner) {
      const plan = this.planOf(c.owner);
      if (!offersOn(plan, c.platform)) return 'platform_not_in_plan';
      if (this.licensed.has(c.platform) && !hasWorkspaceLicence(plan, c.platform)) return 'no_workspace_licence';
      return plan.snapshot ? null : 'plan_no_snapshot';
    }
    if (c.kind === 'channel') {
      const plan = c.planId === null ? this.free : planById(this.plans, c.planId);
      if (!plan) return 'unknown_plan';
      return plan.snapshot ? null : 'plan_no_snapshot';
    }
    if (!c.account) return 'no_account';
    const plan = this.planOf(c.account);
    if (!plan.directMessages) return 'plan_no_direct_messages';
    if (!offersOn(plan, c.platform)) return 'platform_not_in_plan';
    if (!c.account.directMessages) return 'direct_messages_off';
    if (c.account.paused) return 'paused';
    return plan.snapshot ? null : 'plan_no_snapshot';
  }

  private planOf(account: PlanningAccount): Plan {
    const plain = plainPlanOf(this.plans, account.subscriptions, this.now);
    if (plain) return plain;
    let plan = this.decided.get(account.id);
    if (!plan) this.decided.set(account.id, (plan = entitlementOf(this.plans, account.subscriptions, this.now).plan));
    return plan;
  }

  private quietDue(account: PlanningAccount): number {
    if (account.quietStart === null || account.quietEnd === null) return this.now;
    return deferPastQuietHours(this.now, { start: account.quietStart, end: account.quietEnd, timeZone: account.timeZone });
  }
}
