// /plans (what each plan gives, a Subscribe button per paid plan) and /subscribe [plan] (a button to Checkout).
import type { CheckoutDiscount } from '../../core/billing/ports';
import { entitlementOf } from '../../core/entitlement';
import { SignalcastError } from '../../core/errors';
import type { Reply, ReplyButton } from '../../core/inbound/types';
import { formatPrice } from '../../core/plans/describe';
import { paidPlans, planById } from '../../core/plans/lookup';
import type { Plan } from '../../core/plans/schema';
import { ensureContact, findContact } from './contact';
import type { CommandCall } from './deps';
import { joinWords, planLine } from './format';

/** The answer while the service takes no payments (no STRIPE_SECRET_KEY). */
export const PAYMENTS_NOT_SET_UP = 'Payments are not set up yet, so the paid plans cannot be bought right now. Please try again later.';

/** Callback data of a plan's Subscribe button. */
export const subscribeButtonData = (planId: string): string => `sub:${planId}`;

function subscribeButtons(plans: readonly Plan[]): ReplyButton[][] {
  return plans.map((plan) => [{ label: `Subscribe to ${plan.name} (${formatPrice(plan)})`, data: subscribeButtonData(plan.id) }]);
}

export async function listPlans(call: CommandCall): Promise<Reply[]> {
  const { deps, event, now } = call;
  const contact = await findContact(deps, event.actor);
  const current = contact ? entitlementOf(deps.plans, await deps.accounts.listSubscriptions(contact.account.id), now).plan : undefined;
  const ordered = [...deps.plans.plans].sort((a, b) => a.level - b.level);
  const lines = ordered.map((plan) => `${planLine(plan, deps.capabilities)}${plan.id === current?.id ? ' (your plan)' : ''}`);
  const paid = paidPlans(deps.plans);
  if (!deps.capabilities.payments) return [{ text: ['The plans:', ...lines, '', PAYMENTS_NOT_SET_UP].join('\n') }];
  return [{ text: ['The plans:', ...lines].join('\n'), ...((event.isPrivate || event.answeredPrivately) && paid.length > 0 ? { buttons: subscribeButtons(paid) } : {}) }];
}

function unknownPlan(call: CommandCall, name: string): Reply[] {
  const ids = paidPlans(call.deps.plans).map((p) => p.id);
  return [{ text: `There is no plan "${name}". The plans you can subscribe to are ${joinWords(ids)}: for example /subscribe ${ids[0] ?? ''}`.trim() }];
}

async function checkout(call: CommandCall, plan: Plan, editMessageId: string | undefined): Promise<Reply[]> {
  const { deps, event, now } = call;
  const { account } = await ensureContact(call);
  const entitlement = entitlementOf(deps.plans, await deps.accounts.listSubscriptions(account.id), now);
  if (entitlement.paid && entitlement.plan.id === plan.id) {
    return [{ text: `You already have ${plan.name}. Send /status to see until when, /billing to manage it.` }];
  }
  const referrer = account.referredBy ? await deps.accounts.getAccount(account.referredBy) : null;
  let url: string;
  let discount: CheckoutDiscount | undefined;
  try {
    ({ url, discount } = await deps.billing.createCheckoutLink({
      accountId: account.id,
      planId: plan.id,
      identity: { platform: event.actor.platform, platformUserId: event.actor.platformUserId },
      referralCode: referrer?.referralCode ?? undefined,
    }));
  } catch (err) {
    if (err instanceof SignalcastError && err.code === 'not_found') return [{ text: `${plan.name} cannot be bought right now. Send /plans to see the others.` }];
    // Billing refuses a second live subscription: it would charge twice.
    if (err instanceof SignalcastError && err.code === 'conflict') return [{ text: 'You already have a subscription. To change or cancel it, use /billing.' }];
    throw err;
  }
  const lines = [`${planLine(plan, deps.capabilities)}.`, ...(discount ? [discountLine(discount)] : []), 'Tap the button to pay on the secure checkout page. The link is for you only.'];
  if (entitlement.paid) lines.push(`You have ${entitlement.plan.name} now; to change plans without paying twice, use /billing instead.`);
  return [{ text: lines.join('\n'), buttons: [[{ label: `Pay for ${plan.name}`, url }]], ...(editMessageId ? { editMessageId } : {}) }];
}

/** e.g. "Referral discount: 20% off your first payment, $23.20 instead of $29.00." */
function discountLine(d: CheckoutDiscount): string {
  const money = (cents: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: d.currency.toUpperCase() }).format(cents / 100);
  return `Referral discount: ${d.label} your first payment${d.afterTrial ? ' after the trial' : ''}, ${money(d.firstPaymentCents)} instead of ${money(d.regularCents)}.`;
}

/** /subscribe [plan]; also the Subscribe buttons, whose `args` is the plan id. */
export async function subscribe(call: CommandCall): Promise<Reply[]> {
  const name = call.args.split(/\s+/)[0]?.toLowerCase() ?? '';
  const paid = paidPlans(call.deps.plans);
  if (name === '') {
    if (paid.length > 0 && !call.deps.capabilities.payments) return [{ text: PAYMENTS_NOT_SET_UP }];
    if (paid.length === 0) return [{ text: 'There is no paid plan to subscribe to.' }];
    return [{ text: 'Which plan? Send /plans to compare them.', buttons: subscribeButtons(paid) }];
  }
  const plan = planById(call.deps.plans, name);
  if (!plan) return unknownPlan(call, name);
  if (plan.stripePriceId === null) return [{ text: `${plan.name} is free: you need no subscription for it.` }];
  if (!call.deps.capabilities.payments) return [{ text: PAYMENTS_NOT_SET_UP }];
  const editMessageId = call.event.type === 'button' ? call.event.messageId : undefined;
  return checkout(call, plan, editMessageId);
}
