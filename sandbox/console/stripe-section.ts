// The console's Stripe section: the sandbox's subscriptions, with buttons that make Stripe do what it does over time
// (renewals that pay or fail, trials ending, periods ending after a cancel, refunds and disputes), each sending Stripe's webhooks.
import type Stripe from 'stripe';
import type { StripeEmulator } from '../stripe';
import { buttonForm, escapeHtml } from './html';
import { ConsoleInputError, type ConsoleOutcome, type ConsoleSection } from './section';

export interface StripeSectionOptions {
  /** The Stripe emulator, or a function giving it once it has started (null: Stripe is not emulated). */
  emulator: StripeEmulator | (() => StripeEmulator | null);
}

/** What each button does, and the notice it leaves. */
const ACTIONS = {
  'renewal-pays': 'The next payment succeeded',
  'renewal-fails': 'The next payment failed',
  'trial-pays': 'The trial ended and the first payment succeeded',
  'trial-fails': 'The trial ended and the first payment failed',
  'cancel-at-end': 'The customer cancelled at period end',
  'period-ends': 'The period ended',
  refund: 'The latest payment was refunded in full',
  dispute: 'The customer\'s bank disputed the latest payment',
  'dispute-won': 'The dispute closed in your favour',
  'dispute-lost': 'The dispute closed in the customer\'s favour',
} as const;
type Action = keyof typeof ACTIONS;

const SUBSCRIPTION_ID = /^sub_[A-Za-z0-9]{1,64}$/;
const DISPUTE_ID = /^dp_[A-Za-z0-9]{1,64}$/;
const ENDED = new Set(['canceled', 'incomplete_expired']);

const day = (sec: number | null | undefined): string => (sec ? new Date(sec * 1000).toISOString().slice(0, 10) : '-');

export class StripeSection implements ConsoleSection {
  readonly id = 'stripe';
  readonly title = 'Stripe';

  constructor(private readonly options: StripeSectionOptions) {}

  private get emulator(): StripeEmulator | null {
    const e = this.options.emulator;
    return typeof e === 'function' ? e() : e;
  }

  render(_query: URLSearchParams, actionUrl: (action: string) => string): string {
    const emu = this.emulator;
    if (!emu) return '<p>Stripe is not emulated here: a real Stripe key is set.</p>';
    const aheadDays = Math.round((emu.clockMs() - Date.now()) / 86_400_000);
    const clock = `<p class="meta">Stripe's clock: ${escapeHtml(new Date(emu.clockMs()).toISOString().slice(0, 16).replace('T', ' '))} UTC${aheadDays > 0 ? ` (${aheadDays} days ahead: the buttons move it like a Stripe test clock)` : ''}.</p>`;
    const howTo = `<p>Watch a subscriber lose and regain access: <em>Fail next renewal</em> (or, during a trial, <em>End trial (payment fails)</em>): past_due, access kept for the grace period; <em>Fail next renewal</em> again: unpaid, removed from the channel; then <em>Next payment succeeds</em>: active, back in. Each button sends the webhooks Stripe would.</p>`;
    const subs = [...emu.store.subscriptions.values()].map((r) => r.sub).reverse();
    if (subs.length === 0) return `${clock}<p>No subscriptions yet: send <code>/subscribe</code> to the bot above and pay on the checkout page.</p>`;
    return `${clock}${howTo}<ul class="subscriptions">${subs.map((sub) => `<li>${this.row(emu, sub, actionUrl)}</li>`).join('')}</ul>`;
  }

  private row(emu: StripeEmulator, sub: Stripe.Subscription, actionUrl: (action: string) => string): string {
    const item = sub.items.data[0];
    const product = item ? emu.store.products.get(item.price.product as string)?.name ?? item.price.id : '?';
    const email = emu.store.customers.get(sub.customer as string)?.customer.email ?? (sub.customer as string);
    const charge = [...emu.store.charges.values()].reverse().find((c) => emu.store.invoices.get(c.invoice)?.parent?.subscription_details?.subscription === sub.id)?.charge;
    const disputes = [...emu.store.disputes.values()].filter((d) => charge && d.charge === charge.id);
    const facts = [
      `<strong>${escapeHtml(product)}</strong> for ${escapeHtml(email)}: <strong>${escapeHtml(sub.status)}</strong>`,
      sub.status === 'trialing' ? `trial ends ${day(sub.trial_end)}` : `period ends ${day(item?.current_period_end)}`,
      ...(sub.cancel_at_period_end ? ['cancels at period end'] : []),
      ...(charge ? [`latest payment ${(charge.amount / 100).toFixed(2)} ${escapeHtml(charge.currency.toUpperCase())}${charge.refunded ? ' (refunded)' : charge.amount_refunded > 0 ? ' (partly refunded)' : ''}${charge.disputed ? ' (disputed)' : ''}`] : []),
      ...disputes.map((d) => `dispute ${escapeHtml(d.id)}: ${escapeHtml(d.status)}`),
    ];
    const button = (action: Action, label: string, fields: Record<string, string> = { subscription: sub.id }) => buttonForm(actionUrl(action), label, fields);
    const buttons: string[] = [];
    if (sub.status === 'trialing' && !sub.cancel_at_period_end) buttons.push(button('trial-pays', 'End trial (pays)'), button('trial-fails', 'End trial (payment fails)'));
    if (sub.status === 'active' && !sub.cancel_at_period_end) buttons.push(button('renewal-pays', 'Next renewal pays'), button('renewal-fails', 'Fail next renewal'));
    if (sub.status === 'past_due') buttons.push(button('renewal-pays', 'Next payment succeeds'), button('renewal-fails', 'Fail next renewal'));
    if (sub.status === 'unpaid' || sub.status === 'incomplete') buttons.push(button('renewal-pays', 'Next payment succeeds'));
    if (!ENDED.has(sub.status) && !sub.cancel_at_period_end) buttons.push(button('cancel-at-end', 'Cancel at period end'));
    if (!ENDED.has(sub.status) && sub.cancel_at_period_end) buttons.push(button('period-ends', 'End the period'));
    if (charge && !charge.refunded) buttons.push(button('refund', 'Refund latest payment'));
    if (charge && !charge.disputed) buttons.push(button('dispute', 'Dispute latest payment'));
    for (const d of disputes.filter((x) => x.status !== 'won' && x.status !== 'lost')) {
      buttons.push(button('dispute-won', 'Close dispute: won', { dispute: d.id }), button('dispute-lost', 'Close dispute: lost', { dispute: d.id }));
    }
    return `${facts.join('; ')}. <code>${escapeHtml(sub.id)}</code><div class="keyboard">${buttons.join('')}</div>`;
  }

  act(action: string, form: URLSearchParams): ConsoleOutcome {
    const emu = this.emulator;
    if (!emu) throw new ConsoleInputError('Stripe is not emulated here.', 404);
    if (!(action in ACTIONS)) throw new ConsoleInputError(`There is no Stripe action ${JSON.stringify(action)}.`, 404);
    const before = emu.events().length;
    const subject = this.run(emu, action as Action, form);
    const sent = [...new Set(emu.events().slice(before).map((e) => e.type))];
    const what = subject ? ` (${subject})` : '';
    return { notice: `${ACTIONS[action as Action]}${what}. Stripe sent ${sent.length ? sent.join(', ') : 'no events'}.` };
  }

  /** Runs the action; returns what it left the subscription as, for the notice. */
  private run(emu: StripeEmulator, action: Action, form: URLSearchParams): string {
    if (action === 'dispute-won' || action === 'dispute-lost') {
      const id = (form.get('dispute') ?? '').trim();
      if (!DISPUTE_ID.test(id)) throw new ConsoleInputError(`dispute must be a dispute id like dp_..., got ${JSON.stringify(id)}.`);
      if (!emu.store.disputes.has(id)) throw new ConsoleInputError(`There is no dispute ${id}.`, 404);
      return `dispute ${emu.closeDispute(id, action === 'dispute-won' ? 'won' : 'lost').status}`;
    }
    const id = (form.get('subscription') ?? '').trim();
    if (!SUBSCRIPTION_ID.test(id)) throw new ConsoleInputError(`subscription must be a subscription id like sub_..., got ${JSON.stringify(id)}.`);
    if (!emu.store.subscriptions.has(id)) throw new ConsoleInputError(`There is no subscription ${id}.`, 404);
    const now = emu.instant;
    switch (action) {
      case 'renewal-pays': return `now ${now.renewalSucceeds(id).status}`;
      case 'renewal-fails': return `now ${now.renewalFails(id).status}`;
      case 'trial-pays': return `now ${now.trialEnds(id, { paid: true }).status}`;
      case 'trial-fails': return `now ${now.trialEnds(id, { paid: false }).status}`;
      case 'cancel-at-end': return `ends ${day(now.cancelAtPeriodEnd(id).cancel_at)}`;
      case 'period-ends': return `now ${now.periodEnds(id).status}`;
      case 'refund': return `${(emu.refund(id).amount_refunded / 100).toFixed(2)} refunded`;
      case 'dispute': return `dispute ${emu.dispute(id).id} opened`;
    }
  }
}
