// /v1/checkout/sessions: create (mode subscription), retrieve, list, line items, expire.
import type Stripe from 'stripe';
import type { StripeApi } from '../api';
import { createCheckoutSession } from '../checkout';
import { invalidParam, invalidRequest, missingParam } from '../errors';
import { expireSession } from '../lifecycle';
import { paginate } from '../objects/list';
import { exclusive, listShape, mergeMetadata, p, parseParams } from '../params';
import { StripeStore } from '../store';
import type { StripeWorld } from '../world';

const createSchema = p.object({
  mode: p.oneOf(['payment', 'setup', 'subscription']),
  line_items: p.array(p.object({ price: p.string(), quantity: p.integer().optional() })).optional(),
  customer: p.string().optional(),
  customer_email: p.string().optional(),
  client_reference_id: p.string().optional(),
  metadata: p.metadata().optional(),
  subscription_data: p
    .object({
      metadata: p.metadata().optional(),
      trial_period_days: p.integer().optional(),
      description: p.string().optional(),
    })
    .optional(),
  allow_promotion_codes: p.boolean().optional(),
  discounts: p.array(p.object({ coupon: p.string().optional(), promotion_code: p.string().optional() })).optional(),
  success_url: p.string().optional(),
  cancel_url: p.string().optional(),
  expires_at: p.integer().optional(),
  locale: p.string().optional(),
  payment_method_types: p.array(p.string()).optional(),
  billing_address_collection: p.oneOf(['auto', 'required']).optional(),
  ui_mode: p.oneOf(['hosted']).optional(),
});
const listSchema = p.object({
  ...listShape,
  customer: p.string().optional(),
  subscription: p.string().optional(),
  status: p.oneOf(['complete', 'expired', 'open']).optional(),
});

export function registerCheckoutRoutes(api: StripeApi, world: StripeWorld): void {
  const store = world.store;

  api.post('/v1/checkout/sessions', ({ form }) => {
    const params = parseParams(createSchema, form);
    if (params.mode !== 'subscription') throw invalidParam('mode', `The emulator implements Checkout in subscription mode only (got mode=${params.mode}).`);
    const items = params.line_items;
    if (!items || items.length === 0) throw missingParam('line_items');
    if (items.length > 1) throw invalidParam('line_items', 'The emulator supports one line item per Checkout Session.');
    const item = items[0] as { price: string; quantity?: number | undefined };
    const quantity = item.quantity ?? 1;
    if (quantity < 1) throw invalidParam('line_items[0][quantity]', 'Quantity must be greater than 0.');
    exclusive(params, ['customer', 'customer_email']);
    exclusive(params, ['allow_promotion_codes', 'discounts']);
    const trialDays = params.subscription_data?.trial_period_days;
    if (trialDays !== undefined && (trialDays < 1 || trialDays > 730)) {
      throw invalidParam('subscription_data[trial_period_days]', 'The trial period must be between 1 and 730 days.');
    }
    if (params.client_reference_id !== undefined && params.client_reference_id.length > 200) {
      throw invalidParam('client_reference_id', 'client_reference_id must be at most 200 characters.');
    }
    const rec = createCheckoutSession(world, {
      price: item.price,
      quantity,
      customer: params.customer ?? null,
      customerEmail: params.customer_email ?? null,
      clientReferenceId: params.client_reference_id ?? null,
      metadata: mergeMetadata({}, params.metadata),
      successUrl: params.success_url ?? null,
      cancelUrl: params.cancel_url ?? null,
      allowPromotionCodes: params.allow_promotion_codes ?? null,
      discounts: params.discounts ?? [],
      trialDays: trialDays ?? null,
      subscriptionMetadata: mergeMetadata({}, params.subscription_data?.metadata),
      subscriptionDescription: params.subscription_data?.description ?? null,
      expiresAt: params.expires_at ?? null,
      locale: (params.locale ?? null) as Stripe.Checkout.Session.Locale | null,
      paymentMethodTypes: params.payment_method_types ?? ['card'],
    });
    return rec.session;
  });

  api.get('/v1/checkout/sessions/:id', ({ path }) => store.session(path.id as string).session);

  api.get('/v1/checkout/sessions/:id/line_items', ({ path, form }) => {
    const rec = store.session(path.id as string);
    const params = parseParams(p.object(listShape), form);
    return paginate(rec.lineItems, params, `/v1/checkout/sessions/${rec.session.id}/line_items`, 'line_item');
  });

  api.get('/v1/checkout/sessions', ({ form }) => {
    const params = parseParams(listSchema, form);
    const all = StripeStore.newestFirst(store.sessions.values())
      .map((r) => r.session)
      .filter(
        (s) =>
          (params.customer === undefined || s.customer === params.customer) &&
          (params.subscription === undefined || s.subscription === params.subscription) &&
          (params.status === undefined || s.status === params.status),
      );
    return paginate(all, params, '/v1/checkout/sessions', 'checkout.session');
  });

  api.post('/v1/checkout/sessions/:id/expire', ({ path, form }) => {
    const rec = store.session(path.id as string);
    parseParams(p.object({}), form);
    if (rec.session.status !== 'open') {
      throw invalidRequest(`Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${rec.session.status}".`);
    }
    expireSession(world, rec.session);
    return rec.session;
  });
}
