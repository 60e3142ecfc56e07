// /v1/billing_portal/sessions: a session whose url opens the emulator's portal page for the customer.
import type Stripe from 'stripe';
import type { StripeApi } from '../api';
import { pageToken, stripeId } from '../ids';
import { buildPortalSession } from '../objects/portal-session';
import { p, parseParams } from '../params';
import type { StripeWorld } from '../world';

const createSchema = p.object({
  customer: p.string(),
  return_url: p.string().optional(),
  configuration: p.string().optional(),
  locale: p.string().optional(),
  on_behalf_of: p.string().optional(),
});

/** The portal configuration every session uses unless one is named. */
export const DEFAULT_PORTAL_CONFIGURATION = 'bpc_1EmulatorDefaultConfig00';

export function registerPortalRoutes(api: StripeApi, world: StripeWorld): void {
  api.post('/v1/billing_portal/sessions', ({ form }) => {
    const params = parseParams(createSchema, form);
    const customer = world.store.customer(params.customer, 'customer');
    const token = pageToken();
    const session = buildPortalSession({
      id: stripeId('bps'),
      created: world.now(),
      customer: customer.customer.id,
      configuration: params.configuration ?? DEFAULT_PORTAL_CONFIGURATION,
      returnUrl: params.return_url ?? null,
      locale: (params.locale ?? null) as Stripe.BillingPortal.Session.Locale | null,
      url: `${world.settings.baseUrl()}/p/session/${token}`,
    });
    world.store.portalSessions.set(token, { session, token });
    world.emit('billing_portal.session.created', session);
    return session;
  });
}
