// Builds a Stripe Billing Portal Session whose url opens the emulator's small portal page.
import type Stripe from 'stripe';

export interface PortalSessionFields {
  id: string;
  created: number;
  customer: string;
  configuration: string;
  returnUrl: string | null;
  locale: Stripe.BillingPortal.Session.Locale | null;
  url: string;
}

export function buildPortalSession(f: PortalSessionFields): Stripe.BillingPortal.Session {
  return {
    id: f.id,
    object: 'billing_portal.session',
    configuration: f.configuration,
    created: f.created,
    customer: f.customer,
    customer_account: null,
    flow: null,
    livemode: false,
    locale: f.locale,
    on_behalf_of: null,
    return_url: f.returnUrl,
    url: f.url,
  } satisfies Stripe.BillingPortal.Session;
}
