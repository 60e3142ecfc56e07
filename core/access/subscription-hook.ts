// The billing hook: after a subscription changes, reconcile the account's access and send the welcome or the lapse message.
import type { Clock } from '../clock';
import { entitlementOf, type Entitlement, type SubscriptionState } from '../entitlement';
import type { Logger } from '../logger';
import type { PlansConfig } from '../plans/schema';
import { gatesByPlatform, type AccessGates } from './gates';
import { lapseText, welcomeText } from './messages';
import type { NotifyResult } from './ports';
import type { AccessReconcile, ReconcileReport } from './reconciler';
import type { AccessStore } from './store';

/** One subscription before and after a change; null before a new one, or after one that is gone. */
export interface SubscriptionChange {
  before: SubscriptionState | null | undefined;
  after: SubscriptionState | null | undefined;
}

/** Billing's hook (see billing/subscription-sync.ts), called after each subscription change is saved. */
export type OnSubscriptionChanged = (accountId: string, change: SubscriptionChange) => Promise<void>;

export interface SubscriptionHookDeps {
  reconciler: AccessReconcile;
  store: AccessStore;
  /** Gates whose `notify` sends the welcome and lapse messages. */
  gates: AccessGates;
  plans: PlansConfig;
  clock: Clock;
  logger?: Logger | undefined;
}

/** What the change means to the person: a paid plan began (or changed), ended, or nothing they would notice. */
export function subscriptionNews(before: Entitlement, after: Entitlement): { kind: 'welcome' | 'lapse'; text: string } | null {
  if (after.paid && (!before.paid || before.plan.id !== after.plan.id)) return { kind: 'welcome', text: welcomeText(after.plan) };
  if (!after.paid && before.paid) return { kind: 'lapse', text: lapseText(before.plan, after.plan) };
  return null;
}

/** The account's subscriptions as they were before `change`. */
function subscriptionsBefore(current: readonly SubscriptionState[], change: SubscriptionChange): SubscriptionState[] {
  const changedId = change.after?.id ?? change.before?.id;
  const others = current.filter((s) => s.id !== changedId);
  return change.before ? [...others, change.before] : others;
}

/**
 * Builds `onSubscriptionChanged(accountId, { before, after })` for billing to call after each
 * subscription change: see reconcileSubscriptionChange.
 */
export function createSubscriptionHook(deps: SubscriptionHookDeps): OnSubscriptionChanged {
  return async (accountId, change) => {
    await reconcileSubscriptionChange(deps, accountId, change);
  };
}

/**
 * Reconciles the account after a subscription change (grants arrive as invite links, lapses as
 * removals, each with its own message) and, when the paid plan began or ended, tells every
 * identity that did not already hear about it from an access change. Returns what was done.
 */
export async function reconcileSubscriptionChange(deps: SubscriptionHookDeps, accountId: string, change: SubscriptionChange): Promise<ReconcileReport> {
  const gates = gatesByPlatform(deps.gates);
  const report = await deps.reconciler.reconcile({ accountId, trigger: 'subscription' });
  const platforms = [...gates.values()].filter((g) => g.notify).map((g) => g.platform);
  const [account] = platforms.length === 0 ? [] : await deps.store.listAccessAccounts({ platforms, accountId });
  if (!account) return report;

  const now = deps.clock.now();
  const after = entitlementOf(deps.plans, account.subscriptions, now);
  const before = entitlementOf(deps.plans, subscriptionsBefore(account.subscriptions, change), now);
  const news = subscriptionNews(before, after);
  if (!news) return report;

  const told = new Set(report.actions
    .filter((a) => a.outcome && (news.kind === 'welcome' ? ['invited', 'approved'] : ['revoked']).includes(a.outcome.result))
    .map((a) => `${a.person.platform}|${a.person.platformUserId}`));
  for (const identity of account.identities) {
    const gate = gates.get(identity.platform);
    const notify = gate?.notify?.bind(gate);
    if (!notify || told.has(`${identity.platform}|${identity.platformUserId}`)) continue;
    const person = { accountId, platform: identity.platform, platformUserId: identity.platformUserId };
    const result = await notify(person, news.text).catch((err: unknown): NotifyResult => ({ sent: false, detail: err instanceof Error ? err.message : String(err) }));
    if (!result.sent) deps.logger?.warn({ accountId, platform: identity.platform, detail: result.detail }, `could not send the ${news.kind} message`);
  }
  return report;
}
