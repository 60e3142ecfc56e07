// The billing follow-up: inside the subscription change's transaction, queue the account's access job and the welcome or lapse message.
import type { Clock } from '../clock';
import { entitlementOf, type Entitlement, type SubscriptionState } from '../entitlement';
import { licensedPlatforms } from '../planning/filters';
import type { Plan, PlansConfig } from '../plans/schema';
import type { PlatformName } from '../types';
import { planResources } from './desired';
import type { AccessJobStore, EnqueuedJob } from './jobs';
import { lapseText, welcomeText, workspaceLapseText, workspaceWelcomeText } from './messages';
import type { NoticeOutbox } from './notices';
import { resourceKey } from './ports';
import type { AccessAccount } from './store';

const DAY_MS = 86_400_000;

/** One subscription before and after a change; null before a new one, or after one that is gone. */
export interface SubscriptionChange {
  before: SubscriptionState | null | undefined;
  after: SubscriptionState | null | undefined;
}

/**
 * Billing's follow-up (see billing/subscription-sync.ts), called synchronously inside the
 * transaction that saves each subscription change: it only writes (the job, the message), so the
 * webhook answers as soon as the change commits, whatever the platforms do.
 */
export type OnSubscriptionChanged = (accountId: string, change: SubscriptionChange) => EnqueuedJob | null;

export interface SubscriptionHookDeps {
  jobs: AccessJobStore;
  outbox: NoticeOutbox;
  /** The account with its identities and subscriptions, read at once (inside the transaction). */
  account: (accountId: string) => AccessAccount | null;
  plans: PlansConfig;
  clock: Clock;
  /** Platforms with an access gate: the account's identities there are given access and told about it. */
  platforms: readonly PlatformName[];
  /** Wakes the job runner and the dispatcher; they run after the caller's transaction commits. */
  poke?: (() => void) | undefined;
}

/** What the change means to the person: a paid plan began (or changed), ended, or nothing they would notice. */
export function subscriptionNews(before: Entitlement, after: Entitlement): { kind: 'welcome' | 'lapse'; text: string; workspaceText: string } | null {
  if (after.paid && (!before.paid || before.plan.id !== after.plan.id)) return { kind: 'welcome', text: welcomeText(after.plan), workspaceText: workspaceWelcomeText(after.plan) };
  if (!after.paid && before.paid) return { kind: 'lapse', text: lapseText(before.plan, after.plan), workspaceText: workspaceLapseText(before.plan) };
  return null;
}

/** The account's subscriptions as they were before `change`. */
function subscriptionsBefore(current: readonly SubscriptionState[], change: SubscriptionChange): SubscriptionState[] {
  const changedId = change.after?.id ?? change.before?.id;
  const others = current.filter((s) => s.id !== changedId);
  return change.before ? [...others, change.before] : others;
}

/**
 * Whether the access job's own message will tell this identity already: the invite (or approval)
 * that comes with a plan that has a gated chat there, or the removal from one the new plan lacks.
 */
function toldByAccess(kind: 'welcome' | 'lapse', platform: PlatformName, before: Plan, after: Plan): boolean {
  const keys = (plan: Plan) => new Set(planResources(plan, platform).map(resourceKey));
  if (kind === 'welcome') return keys(after).size > 0;
  const kept = keys(after);
  return [...keys(before)].some((k) => !kept.has(k));
}

/**
 * When to judge the account as it was before the change: now, except where the old state's access had
 * already run out by the clock when Stripe's event came: a subscription set to cancel at its period's
 * end (Stripe ends it at or after that end), or one past_due whose grace period ended (Stripe marks it
 * unpaid or canceled after its own retries). It is then judged just before that end; otherwise its
 * lapse would never be news, and a platform with no access job to tell the person (a workspace
 * licence) would say nothing.
 */
function beforeMoment(change: SubscriptionChange, now: number, graceDays: number): number {
  const before = change.before;
  if (!before) return now;
  const ends: number[] = [];
  if (before.cancelAtPeriodEnd && before.currentPeriodEnd !== null) ends.push(new Date(before.currentPeriodEnd).getTime());
  if (before.status === 'past_due' && before.pastDueSince !== null) ends.push(new Date(before.pastDueSince).getTime() + graceDays * DAY_MS);
  return Math.min(now, ...ends.map((end) => end - 1));
}

/**
 * Queues the account's access job (one pending per account: it joins a pending one) and, when the
 * paid plan began or ended, the welcome or lapse message to each identity the job's own message
 * will not reach, identities on a platform licensed per workspace included (a workspace's admin,
 * told in their tenant). Returns the job, or null when the account has no identity on a gated platform.
 */
export function queueSubscriptionChange(deps: SubscriptionHookDeps, accountId: string, change: SubscriptionChange): EnqueuedJob | null {
  const account = deps.account(accountId);
  // Identities on a platform licensed per workspace (Slack) are the workspace's admin: told of a lapse too.
  const licensed = licensedPlatforms(deps.plans);
  const identities = (account?.identities ?? []).filter((i) => deps.platforms.includes(i.platform) || licensed.has(i.platform));
  if (!account || identities.length === 0) return null;
  const now = deps.clock.now();
  // A workspace licence has nothing to grant: the job is for identities on gated platforms only.
  const enqueued = identities.some((i) => deps.platforms.includes(i.platform))
    ? deps.jobs.enqueue({ accountId, trigger: 'subscription', actor: 'system', reason: `subscription ${change.after?.status ?? 'gone'}` }, now)
    : null;

  const after = entitlementOf(deps.plans, account.subscriptions, now);
  const before = entitlementOf(deps.plans, subscriptionsBefore(account.subscriptions, change), beforeMoment(change, now, deps.plans.graceDays));
  const news = subscriptionNews(before, after);
  if (news) {
    for (const identity of identities) {
      if (toldByAccess(news.kind, identity.platform, before.plan, after.plan)) continue;
      // A workspace's admin is told in the workspace's words (its channels, /signals).
      const text = licensed.has(identity.platform) && !deps.platforms.includes(identity.platform) ? news.workspaceText : news.text;
      deps.outbox.enqueue({ accountId, platform: identity.platform, platformUserId: identity.platformUserId, tenant: identity.tenant ?? null }, { topic: news.kind, text }, now);
    }
  }
  deps.poke?.();
  return enqueued;
}

/** Builds billing's follow-up: see queueSubscriptionChange. */
export function createSubscriptionHook(deps: SubscriptionHookDeps): OnSubscriptionChanged {
  return (accountId, change) => queueSubscriptionChange(deps, accountId, change);
}
