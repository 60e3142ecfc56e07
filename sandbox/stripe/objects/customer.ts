// Builds a Stripe Customer with every field the API returns (checked against stripe-node's type).
import type Stripe from 'stripe';

export interface CustomerFields {
  id: string;
  created: number;
  email: string | null;
  name: string | null;
  description: string | null;
  phone: string | null;
  metadata: Record<string, string>;
  invoicePrefix: string;
}

export function buildCustomer(f: CustomerFields): Stripe.Customer {
  return {
    id: f.id,
    object: 'customer',
    address: null,
    balance: 0,
    created: f.created,
    currency: null,
    default_source: null,
    delinquent: false,
    description: f.description,
    discount: null,
    email: f.email,
    invoice_prefix: f.invoicePrefix,
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: f.metadata,
    name: f.name,
    next_invoice_sequence: 1,
    phone: f.phone,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  } satisfies Stripe.Customer;
}

export function buildDeletedCustomer(id: string): Stripe.DeletedCustomer {
  return { id, object: 'customer', deleted: true } satisfies Stripe.DeletedCustomer;
}
