// Builds the money movements behind a paid invoice: the Charge, its InvoicePayment, a Refund and a Dispute.
import type Stripe from 'stripe';
import { buildList } from './list';

export interface ChargeFields {
  id: string;
  paymentIntent: string;
  created: number;
  amount: number;
  currency: string;
  customer: string;
  paymentMethod: string | null;
  description: string | null;
}

/** A captured card charge. The fields the emulator has no use for are left null or empty. */
export function buildCharge(f: ChargeFields): Stripe.Charge {
  const charge = {
    id: f.id,
    object: 'charge',
    amount: f.amount,
    amount_captured: f.amount,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
    calculated_statement_descriptor: 'SIGNALCAST',
    captured: true,
    created: f.created,
    currency: f.currency,
    customer: f.customer,
    description: f.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    metadata: {},
    on_behalf_of: null,
    outcome: null,
    paid: true,
    payment_intent: f.paymentIntent,
    payment_method: f.paymentMethod,
    payment_method_details: null,
    receipt_email: null,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    refunds: buildList<Stripe.Refund>([], `/v1/charges/${f.id}/refunds`),
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'succeeded',
    transfer_data: null,
    transfer_group: null,
  };
  return charge as unknown as Stripe.Charge;
}

/** The link between an invoice and the payment that paid it (API versions from 2025-03-31 read it here). */
export function buildInvoicePayment(f: { id: string; invoice: string; paymentIntent: string; amount: number; currency: string; created: number }): Stripe.InvoicePayment {
  return {
    id: f.id,
    object: 'invoice_payment',
    amount_paid: f.amount,
    amount_requested: f.amount,
    created: f.created,
    currency: f.currency,
    invoice: f.invoice,
    is_default: true,
    livemode: false,
    payment: { type: 'payment_intent', payment_intent: f.paymentIntent },
    status: 'paid',
    status_transitions: { canceled_at: null, paid_at: f.created },
  } as Stripe.InvoicePayment;
}

export function buildRefund(f: { id: string; charge: Stripe.Charge; amount: number; created: number; reason: Stripe.Refund.Reason | null }): Stripe.Refund {
  return {
    id: f.id,
    object: 'refund',
    amount: f.amount,
    balance_transaction: null,
    charge: f.charge.id,
    created: f.created,
    currency: f.charge.currency,
    metadata: {},
    payment_intent: f.charge.payment_intent,
    reason: f.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  } as Stripe.Refund;
}

export function buildDispute(f: { id: string; charge: Stripe.Charge; created: number; reason: string }): Stripe.Dispute {
  const dispute = {
    id: f.id,
    object: 'dispute',
    amount: f.charge.amount,
    balance_transactions: [],
    charge: f.charge.id,
    created: f.created,
    currency: f.charge.currency,
    enhanced_eligibility_types: [],
    evidence: {},
    evidence_details: { due_by: f.created + 7 * 86_400, has_evidence: false, past_due: false, submission_count: 0 },
    intended_submission_method: null,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: f.charge.payment_intent,
    reason: f.reason,
    status: 'needs_response',
  };
  return dispute as unknown as Stripe.Dispute;
}
