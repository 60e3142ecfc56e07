// Builds a Stripe Invoice for one subscription period, with its line and the amounts already worked out.
import Stripe from 'stripe';
import { buildList } from './list';

export interface InvoiceLineFields {
  id: string;
  price: Stripe.Price;
  subscriptionItem: string;
  quantity: number;
  amount: number;
  description: string;
  periodStart: number;
  periodEnd: number;
  discountAmounts: { amount: number; discount: string }[];
}

export interface InvoiceFields {
  id: string;
  created: number;
  customer: Stripe.Customer;
  subscription: string;
  subscriptionMetadata: Record<string, string>;
  billingReason: Stripe.Invoice.BillingReason;
  number: string;
  currency: string;
  line: InvoiceLineFields;
  discounts: string[];
  subtotal: number;
  total: number;
  /** The customer's balance before this invoice (negative is a credit). */
  startingBalance: number;
  amountDue: number;
  periodStart: number;
  periodEnd: number;
}

export function buildInvoiceLine(invoiceId: string, subscription: string, f: InvoiceLineFields): Stripe.InvoiceLineItem {
  return {
    id: f.id,
    object: 'line_item',
    amount: f.amount,
    currency: f.price.currency,
    description: f.description,
    discount_amounts: f.discountAmounts,
    discountable: true,
    discounts: f.discountAmounts.map((d) => d.discount),
    invoice: invoiceId,
    livemode: false,
    metadata: {},
    parent: {
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration: false,
        proration_details: { credited_items: null },
        subscription,
        subscription_item: f.subscriptionItem,
      },
      type: 'subscription_item_details',
    },
    period: { end: f.periodEnd, start: f.periodStart },
    pretax_credit_amounts: null,
    pricing: {
      price_details: { price: f.price.id, product: typeof f.price.product === 'string' ? f.price.product : f.price.product.id },
      type: 'price_details',
      unit_amount_decimal: f.price.unit_amount_decimal,
    },
    quantity: f.quantity,
    quantity_decimal: Stripe.Decimal.from(f.quantity),
    subscription,
    subtotal: f.amount,
    taxes: [],
  } satisfies Stripe.InvoiceLineItem;
}

export function buildInvoice(f: InvoiceFields): Stripe.Invoice {
  const invoice = {
    id: f.id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'Signalcast (emulated)',
    account_tax_ids: null,
    amount_due: f.amountDue,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: f.amountDue,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: { enabled: false, liability: null, disabled_reason: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: f.billingReason,
    collection_method: 'charge_automatically',
    created: f.created,
    currency: f.currency,
    custom_fields: null,
    customer: f.customer.id,
    customer_account: null,
    customer_address: null,
    customer_email: f.customer.email,
    customer_name: f.customer.name ?? null,
    customer_phone: f.customer.phone ?? null,
    customer_shipping: null,
    customer_tax_exempt: 'none',
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: f.discounts,
    due_date: null,
    effective_at: f.created,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: buildList([buildInvoiceLine(f.id, f.subscription, f.line)], `/v1/invoices/${f.id}/lines`),
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: f.number,
    on_behalf_of: null,
    parent: {
      quote_details: null,
      subscription_details: { metadata: f.subscriptionMetadata, subscription: f.subscription },
      type: 'subscription_details',
    },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: f.periodEnd,
    period_start: f.periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: f.startingBalance,
    statement_descriptor: null,
    status: 'open',
    status_transitions: { finalized_at: f.created, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: f.subtotal,
    subtotal_excluding_tax: f.subtotal,
    test_clock: null,
    total: f.total,
    total_discount_amounts: f.line.discountAmounts,
    total_excluding_tax: f.total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: f.created,
  } satisfies Stripe.Invoice;
  // Older API versions, and the API fixtures, still show the subscription at the top level.
  return Object.assign(invoice, { subscription: f.subscription });
}
