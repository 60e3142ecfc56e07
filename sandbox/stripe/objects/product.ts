// Builds a Stripe Product (checked against stripe-node's type).
import type Stripe from 'stripe';

export interface ProductFields {
  id: string;
  created: number;
  name: string;
  description: string | null;
  active: boolean;
  metadata: Record<string, string>;
  defaultPrice: string | null;
}

export function buildProduct(f: ProductFields): Stripe.Product {
  return {
    id: f.id,
    object: 'product',
    active: f.active,
    created: f.created,
    default_price: f.defaultPrice,
    description: f.description,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: f.metadata,
    name: f.name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    tax_details: null,
    type: 'service',
    unit_label: null,
    updated: f.created,
    url: null,
  } satisfies Stripe.Product;
}
