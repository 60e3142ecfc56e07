// The operators' /stats, /grant USER PLAN DAYS and /revoke USER.
import type { Identity, Subscription } from '../../core/accounts/types';
import type { Reply } from '../../core/inbound/types';
import { paidPlans, planById } from '../../core/plans/lookup';
import { operatorActor } from './contact';
import type { CommandCall } from './deps';
import { formatDate, joinWords } from './format';

const DAY_MS = 86_400_000;
const MAX_GRANT_DAYS = 3650;

function startOfUtcDay(now: number): number {
  return now - (now % DAY_MS);
}

export async function stats(call: CommandCall): Promise<Reply[]> {
  const { deps, now } = call;
  const [subs, free, deliveries] = await Promise.all([
    deps.stats.subscriptionsByPlanAndStatus(),
    deps.stats.accountsWithoutSubscription(),
    deps.stats.deliveriesByStateSince(startOfUtcDay(now)),
  ]);
  const byPlan = new Map<string, string[]>();
  for (const row of subs) {
    const key = row.source === 'grant' ? `${row.planId} (granted)` : row.planId;
    byPlan.set(key, [...(byPlan.get(key) ?? []), `${row.status} ${row.count}`]);
  }
  const lines = ['Subscribers by plan and status:'];
  for (const [plan, counts] of byPlan) lines.push(`  ${plan}: ${counts.join(', ')}`);
  lines.push(`  no subscription (free): ${free}`);
  const total = deliveries.reduce((sum, d) => sum + d.count, 0);
  lines.push(`Deliveries today (UTC): ${total === 0 ? 'none' : deliveries.map((d) => `${d.state} ${d.count}`).join(', ')}`);
  return [{ text: lines.join('\n') }];
}

/** Whom /grant and /revoke act for: an account, named as the operator wrote it. */
interface Target {
  accountId: string;
  label: string;
  identityId: string | null;
}

/**
 * "12345" or "@name" on the operator's own platform (in the operator's tenant where user ids are
 * per tenant), or an account id ("acc_…", as `signalcast workspaces list` prints a workspace's);
 * null when the bot has never met them.
 */
async function findUser(call: CommandCall, who: string): Promise<Target | null> {
  const { deps, event } = call;
  const platform = event.actor.platform;
  if (/^acc_[0-9a-z]+$/.test(who)) {
    const account = await deps.accounts.getAccount(who);
    return account ? { accountId: account.id, label: `account ${account.id}`, identityId: null } : null;
  }
  const identity: Identity | null = who.startsWith('@')
    ? await deps.directory.findIdentityByUsername(platform, who.slice(1))
    : (await deps.accounts.findIdentity(platform, who, event.actor.tenant)) ?? await deps.directory.findIdentityByUsername(platform, who);
  return identity ? { accountId: identity.accountId, label: userLabel(who, identity), identityId: identity.id } : null;
}

const unknownUser = (who: string): Reply[] => [{ text: `Nothing changed: no user "${who}" is known to the bot. They must send /start to the bot first.` }];

function isLiveGrant(sub: Subscription, now: number): boolean {
  return sub.source === 'grant' && sub.status === 'active' && (sub.currentPeriodEnd === null || sub.currentPeriodEnd.getTime() > now);
}

/** Queues the access change; returns what became of it, to add to the reply (nothing when access is not managed here). */
async function entitlementChanged(call: CommandCall, accountId: string, reason: string): Promise<string> {
  try {
    const note = await call.deps.onEntitlementChanged?.(accountId, reason);
    return note ? ` ${note}` : '';
  } catch (err) {
    // The change is committed; access catches up at the next reconciliation.
    call.deps.logger.warn({ err, accountId }, 'entitlement change hook failed');
    return ' Access could not be queued; the next scheduled access reconcile applies it.';
  }
}

function userLabel(who: string, identity: Identity): string {
  return identity.username ? `@${identity.username}` : who;
}

export async function grant(call: CommandCall): Promise<Reply[]> {
  const { deps, event, now } = call;
  const parts = call.args.split(/\s+/).filter(Boolean);
  const paid = paidPlans(deps.plans).map((p) => p.id);
  if (parts.length !== 3) return [{ text: `Nothing changed. Usage: /grant USER PLAN DAYS, where USER is a user id, @username or account id, PLAN one of ${joinWords(paid)}, DAYS a number of days.` }];
  const [who = '', planId = '', daysText = ''] = parts;
  const problems: string[] = [];
  const plan = planById(deps.plans, planId.toLowerCase());
  if (!plan || plan.stripePriceId === null) problems.push(`plan: expected one of ${joinWords(paid)}, got "${planId}"`);
  const days = /^\d+$/.test(daysText) ? Number(daysText) : NaN;
  if (!(days >= 1 && days <= MAX_GRANT_DAYS)) problems.push(`days: expected a whole number from 1 to ${MAX_GRANT_DAYS}, got "${daysText}"`);
  if (problems.length > 0 || !plan) return [{ text: `Nothing changed. ${problems.join('; ')}.` }];
  const target = await findUser(call, who);
  if (!target) return unknownUser(who);

  const until = now + days * DAY_MS;
  const sub = await deps.accounts.upsertSubscription({ accountId: target.accountId, planId: plan.id, status: 'active', source: 'grant', currentPeriodEnd: until });
  deps.audit.record({
    actor: operatorActor(event.actor), action: 'subscription.granted', subjectType: 'account', subjectId: target.accountId,
    reason: `granted by an operator in chat for ${days} days`,
    data: { subscriptionId: sub.id, planId: plan.id, days, until, identityId: target.identityId },
  });
  const note = await entitlementChanged(call, target.accountId, 'grant');
  return [{ text: `Granted ${plan.name} to ${target.label} until ${formatDate(until, 'UTC')}.${note}` }];
}

export async function revoke(call: CommandCall): Promise<Reply[]> {
  const { deps, event, now } = call;
  const parts = call.args.split(/\s+/).filter(Boolean);
  if (parts.length !== 1) return [{ text: 'Nothing changed. Usage: /revoke USER, where USER is a user id, @username or account id.' }];
  const who = parts[0] ?? '';
  const target = await findUser(call, who);
  if (!target) return unknownUser(who);
  const grants = (await deps.accounts.listSubscriptions(target.accountId)).filter((s) => isLiveGrant(s, now));
  if (grants.length === 0) {
    return [{ text: `Nothing changed: ${target.label} has no granted plan. Paid subscriptions are cancelled in Stripe, not here.` }];
  }
  for (const sub of grants) {
    await deps.accounts.upsertSubscription({ id: sub.id, accountId: sub.accountId, planId: sub.planId, status: 'canceled', source: 'grant', currentPeriodEnd: now });
    deps.audit.record({
      actor: operatorActor(event.actor), action: 'subscription.revoked', subjectType: 'account', subjectId: sub.accountId,
      reason: 'revoked by an operator in chat', data: { subscriptionId: sub.id, planId: sub.planId, identityId: target.identityId },
    });
  }
  const note = await entitlementChanged(call, target.accountId, 'revoke');
  const names = grants.map((g) => planById(deps.plans, g.planId)?.name ?? g.planId);
  return [{ text: `Revoked ${joinWords([...new Set(names)])} from ${target.label}.${note}` }];
}
