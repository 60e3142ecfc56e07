// The subscription an invoice belongs to, on every API version Stripe may send: invoice.parent (from 2025-03-31), invoice.subscription (before), else the invoice fetched with the library's pinned version.
import type Stripe from 'stripe';
import { isResourceMissing, toBillingError } from './errors';

type IdOrObject = string | { id: string } | null | undefined;

/** The id of a field Stripe sends either as an id or as an expanded object. */
export const idOf = (value: IdOrObject): string | null => (value === null || value === undefined ? null : typeof value === 'string' ? value : value.id);

/** An invoice as any API version renders it: `parent` from 2025-03-31, `subscription` before. */
export interface AnyVersionInvoice {
  id?: string | undefined;
  parent?: { subscription_details?: { subscription?: IdOrObject } | null } | null;
  subscription?: IdOrObject;
}

/** The subscription id the payload itself names, whichever version rendered it; null when it names none. */
export function subscriptionNamedBy(invoice: AnyVersionInvoice): string | null {
  return idOf(invoice.parent?.subscription_details?.subscription) ?? idOf(invoice.subscription);
}

/**
 * The invoice's subscription id: from the payload when it names one, else from the invoice fetched by
 * id (the client's pinned version has `parent`). Null for an invoice of no subscription or one Stripe
 * no longer has; throws a BillingError when Stripe fails (the webhook answers 500 and Stripe retries).
 */
export async function subscriptionOfInvoice(stripe: Stripe, invoice: AnyVersionInvoice): Promise<string | null> {
  const named = subscriptionNamedBy(invoice);
  if (named || !invoice.id) return named;
  try {
    return subscriptionNamedBy(await stripe.invoices.retrieve(invoice.id) as AnyVersionInvoice);
  } catch (err) {
    if (isResourceMissing(err)) return null;
    throw toBillingError(err, `fetching invoice ${invoice.id}`);
  }
}
