// /status (plan, status, renewal or end date, access) and /billing (a customer portal link).
import type { Account, Subscription } from '../../core/accounts/types';
import { entitlementOf, type Entitlement } from '../../core/entitlement';
import { SignalcastError } from '../../core/errors';
import type { Reply } from '../../core/inbound/types';
import { planById } from '../../core/plans/lookup';
import type { PlansConfig } from '../../core/plans/schema';
import { ensureContact } from './contact';
import type { CommandCall } from './deps';
import { formatDate, planBenefits } from './format';
import { JOIN_BUTTON, planGatesOn } from './join';

/** The sentence about how long the current plan lasts, from the subscription that decided it. */
function periodLine(entitlement: Entitlement, sub: Subscription | undefined, timeZone: string): string | undefined {
  const date = (t: number | Date | null) => (t === null ? undefined : formatDate(t, timeZone));
  const until = date(entitlement.until);
  switch (entitlement.reason) {
    case 'active': {
      if (sub?.cancelAtPeriodEnd) return until ? `Cancelled: it ends on ${until}.` : 'Cancelled: it ends at the end of the period.';
      const renews = date(sub?.currentPeriodEnd ?? null);
      return renews ? `Renews on ${renews}.` : undefined;
    }
    case 'trialing':
      return until ? `Free trial until ${until}${sub?.cancelAtPeriodEnd ? ', then it ends' : ', then it renews'}.` : 'Free trial.';
    case 'past_due_grace':
      return `The last payment failed: update your payment details with /billing${until ? ` before ${until}` : ''} to keep your access.`;
    case 'grant':
      return until ? `Given by the publisher until ${until}.` : 'Given by the publisher, with no end date.';
    case 'unknown_status':
      return 'Your subscription is in a state we are looking into; your access is unchanged meanwhile.';
    default:
      return undefined;
  }
}

/** Why a subscription no longer gives its plan, where its Stripe status alone would mislead. */
const LAPSE_WORDS: Partial<Record<Entitlement['reason'], string>> = {
  grant_expired: 'has ended',
  canceled_at_period_end: 'was cancelled',
  trial_ended: 'ended with its trial',
  grace_ended: 'is unpaid',
  unknown_plan: 'is for a plan that no longer exists',
  canceled: 'was cancelled',
  access_revoked: 'was refunded or disputed',
};

function statusWord(entitlement: Entitlement, sub: Subscription | undefined, plans: PlansConfig): string {
  if (entitlement.decision === 'none') return 'no subscription';
  if (entitlement.decision === 'deny') {
    if (!sub) return 'no active subscription';
    const name = planById(plans, sub.planId)?.name ?? sub.planId;
    return `your ${name} subscription ${LAPSE_WORDS[entitlement.reason] ?? `is ${sub.status.replace(/_/g, ' ')}`}`;
  }
  return sub?.source === 'grant' ? 'granted' : (sub?.status.replace(/_/g, ' ') ?? 'active');
}

function directMessagesLine(account: Account, planAllows: boolean): string {
  if (!planAllows) return 'Direct messages: not part of this plan.';
  if (account.paused) return 'Direct messages: paused (send /resume to restart them).';
  return account.directMessages ? 'Direct messages: on.' : 'Direct messages: off (change it in /settings).';
}

export async function status(call: CommandCall): Promise<Reply[]> {
  const { deps, now } = call;
  const { account } = await ensureContact(call);
  const subs = await deps.accounts.listSubscriptions(account.id);
  const entitlement = entitlementOf(deps.plans, subs, now);
  const sub = subs.find((s) => s.id === entitlement.subscriptionId);
  const lines = [`Plan: ${entitlement.plan.name} (${statusWord(entitlement, sub, deps.plans)}).`];
  const period = periodLine(entitlement, sub, account.timeZone);
  if (period) lines.push(period);
  lines.push(`Access: ${planBenefits(entitlement.plan, deps.capabilities).join('; ')}.`);
  lines.push(directMessagesLine(account, entitlement.plan.directMessages));
  if (!entitlement.paid) lines.push('Send /plans to see the paid plans.');
  // A way in that always works: a new personal link, the old one revoked.
  const gated = deps.newInviteLinks !== undefined && planGatesOn(entitlement.plan, call.event.actor.platform);
  if (gated) lines.push('Lost your invite link, or it expired? Send /join (or tap the button) for a new one.');
  return [{ text: lines.join('\n'), ...(gated ? { buttons: [[{ label: 'New invite link', data: JOIN_BUTTON }]] } : {}) }];
}

export async function billing(call: CommandCall): Promise<Reply[]> {
  const { account } = await ensureContact(call);
  let url: string;
  try {
    ({ url } = await call.deps.billing.createPortalLink(account.id));
  } catch (err) {
    if (err instanceof SignalcastError && err.code === 'not_found') {
      return [{ text: 'You have not paid for a plan yet, so there is no billing to manage. Send /subscribe to choose a plan.' }];
    }
    throw err;
  }
  return [{ text: 'Tap the button to update your payment details, see invoices or cancel. The link is for you only.', buttons: [[{ label: 'Manage billing', url }]] }];
}
