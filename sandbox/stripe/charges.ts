// Charges behind paid invoices, and what happens to them later: a refund (full or partial), a dispute opened and closed.
import type Stripe from 'stripe';
import { stripeId } from './ids';
import { buildCharge, buildDispute, buildInvoicePayment, buildRefund } from './objects/charge';
import type { ChargeRecord } from './store';
import type { StripeWorld } from './world';

/** Records the charge (and its invoice payment) that paid an invoice with money in it. */
export function recordCharge(world: StripeWorld, invoice: Stripe.Invoice): ChargeRecord | undefined {
  if (invoice.amount_paid <= 0 || !invoice.id) return undefined;
  const customer = world.store.customers.get(invoice.customer as string);
  const paymentIntent = stripeId('pi');
  const charge = buildCharge({
    id: stripeId('ch'),
    paymentIntent,
    created: world.now(),
    amount: invoice.amount_paid,
    currency: invoice.currency,
    customer: invoice.customer as string,
    paymentMethod: customer?.card?.paymentMethod ?? null,
    description: invoice.billing_reason === 'subscription_create' ? 'Subscription creation' : 'Subscription update',
  });
  const rec: ChargeRecord = { charge, invoice: invoice.id };
  world.store.charges.set(charge.id, rec);
  const payment = buildInvoicePayment({ id: stripeId('inpay'), invoice: invoice.id, paymentIntent, amount: invoice.amount_paid, currency: invoice.currency, created: world.now() });
  world.store.invoicePayments.set(payment.id, payment);
  return rec;
}

/** The newest charge that paid one of the subscription's invoices. */
export function latestCharge(world: StripeWorld, subscriptionId: string): ChargeRecord | undefined {
  let found: ChargeRecord | undefined;
  for (const rec of world.store.charges.values()) {
    const invoice = world.store.invoices.get(rec.invoice);
    if (invoice?.parent?.subscription_details?.subscription === subscriptionId) found = rec;
  }
  return found;
}

/** Refunds `amount` (default: what is left) of a charge and emits charge.refunded, as Stripe does for full and partial refunds. */
export function refundCharge(world: StripeWorld, rec: ChargeRecord, amount?: number): Stripe.Refund {
  const charge = rec.charge;
  const left = charge.amount - charge.amount_refunded;
  const value = amount ?? left;
  if (!(value > 0) || value > left) throw new Error(`charge ${charge.id} has ${left} left to refund; cannot refund ${value}`);
  const refund = buildRefund({ id: stripeId('re'), charge, amount: value, created: world.now(), reason: 'requested_by_customer' });
  charge.amount_refunded += value;
  charge.refunded = charge.amount_refunded === charge.amount;
  charge.refunds = { ...(charge.refunds ?? { object: 'list', data: [], has_more: false, url: `/v1/charges/${charge.id}/refunds` }), data: [refund, ...(charge.refunds?.data ?? [])] };
  world.emit('charge.refunded', charge, { amount_refunded: charge.amount_refunded - value, refunded: false });
  return refund;
}

/** The cardholder disputes a charge: charge.dispute.created. */
export function openDispute(world: StripeWorld, rec: ChargeRecord, reason = 'fraudulent'): Stripe.Dispute {
  const dispute = buildDispute({ id: stripeId('dp'), charge: rec.charge, created: world.now(), reason });
  rec.charge.disputed = true;
  world.store.disputes.set(dispute.id, dispute);
  world.emit('charge.dispute.created', dispute);
  return dispute;
}

/** The bank decides a dispute: charge.dispute.closed with status won (for the merchant) or lost. */
export function closeDispute(world: StripeWorld, dispute: Stripe.Dispute, outcome: 'won' | 'lost'): Stripe.Dispute {
  if (dispute.status === 'won' || dispute.status === 'lost') throw new Error(`dispute ${dispute.id} is already closed (${dispute.status})`);
  const previous = { status: dispute.status };
  dispute.status = outcome;
  world.emit('charge.dispute.closed', dispute, previous);
  return dispute;
}
