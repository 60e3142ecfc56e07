// Builds a Stripe Checkout Session (mode subscription) and its line items.
import type Stripe from 'stripe';

export interface CheckoutSessionFields {
  id: string;
  created: number;
  expiresAt: number;
  customer: string | null;
  customerEmail: string | null;
  clientReferenceId: string | null;
  metadata: Record<string, string>;
  successUrl: string | null;
  cancelUrl: string | null;
  url: string;
  currency: string;
  amountSubtotal: number;
  amountTotal: number;
  amountDiscount: number;
  allowPromotionCodes: boolean | null;
  discounts: Stripe.Checkout.Session.Discount[] | null;
  locale: Stripe.Checkout.Session.Locale | null;
  paymentMethodTypes: string[];
}

export function buildCheckoutSession(f: CheckoutSessionFields): Stripe.Checkout.Session {
  return {
    id: f.id,
    object: 'checkout.session',
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: f.allowPromotionCodes,
    allowed_payment_method_types: null,
    amount_subtotal: f.amountSubtotal,
    amount_total: f.amountTotal,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: f.cancelUrl,
    client_reference_id: f.clientReferenceId,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: f.created,
    currency: f.currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: f.customer,
    customer_account: null,
    customer_creation: null,
    customer_details: null,
    customer_email: f.customerEmail,
    discounts: f.discounts,
    expires_at: f.expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation: null,
    livemode: false,
    locale: f.locale,
    managed_payments: null,
    metadata: f.metadata,
    mode: 'subscription',
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: 'always',
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: f.paymentMethodTypes,
    payment_status: 'unpaid',
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: null,
    subscription: null,
    success_url: f.successUrl,
    total_details: { amount_discount: f.amountDiscount, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url: f.url,
    wallet_options: null,
  } satisfies Stripe.Checkout.Session;
}

export interface LineItemFields {
  id: string;
  price: Stripe.Price;
  quantity: number;
  description: string;
  amountDiscount: number;
}

export function buildLineItem(f: LineItemFields): Stripe.LineItem {
  const subtotal = (f.price.unit_amount ?? 0) * f.quantity;
  return {
    id: f.id,
    object: 'item',
    adjustable_quantity: null,
    amount_discount: f.amountDiscount,
    amount_subtotal: subtotal,
    amount_tax: 0,
    amount_total: subtotal - f.amountDiscount,
    currency: f.price.currency,
    description: f.description,
    metadata: {},
    price: f.price,
    quantity: f.quantity,
  } satisfies Stripe.LineItem;
}

/** What the session shows once paid: who paid, with which email. */
export function customerDetails(email: string, name: string | null): Stripe.Checkout.Session.CustomerDetails {
  return {
    address: null,
    business_name: null,
    email,
    individual_name: null,
    name,
    phone: null,
    tax_exempt: 'none',
    tax_ids: [],
  } satisfies Stripe.Checkout.Session.CustomerDetails;
}
