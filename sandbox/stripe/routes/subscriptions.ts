// /v1/subscriptions: retrieve, list (status and customer filters, pagination), create, update
// (cancel_at_period_end, metadata), cancel; and /v1/invoices: retrieve, list, pay.
import type Stripe from 'stripe';
import type { StripeApi } from '../api';
import { attemptPayment, checkDiscount } from '../billing';
import { cardBehaviour } from '../cards';
import { DAY_SECONDS } from '../clock';
import { cardError, invalidParam, invalidRequest, missingParam } from '../errors';
import { cancelNow, createSubscription, setCancelAtPeriodEnd, updateSubscription } from '../lifecycle';
import { paginate } from '../objects/list';
import { exclusive, listShape, mergeMetadata, p, parseParams } from '../params';
import { StripeStore, type SubscriptionRecord } from '../store';
import type { StripeWorld } from '../world';

const STATUSES = ['active', 'all', 'canceled', 'ended', 'incomplete', 'incomplete_expired', 'past_due', 'paused', 'trialing', 'unpaid'] as const;
const ENDED = new Set<string>(['canceled', 'incomplete_expired']);

const listSchema = p.object({
  ...listShape,
  status: p.oneOf(STATUSES).optional(),
  customer: p.string().optional(),
  price: p.string().optional(),
});
const cancellationDetails = p.object({
  comment: p.string().optional(),
  feedback: p.oneOf(['customer_service', 'low_quality', 'missing_features', 'other', 'switched_service', 'too_complex', 'too_expensive', 'unused']).optional(),
});
const updateSchema = p.object({
  cancel_at_period_end: p.boolean().optional(),
  metadata: p.metadata().optional(),
  description: p.string().optional(),
  proration_behavior: p.oneOf(['always_invoice', 'create_prorations', 'none']).optional(),
  cancellation_details: cancellationDetails.optional(),
});
const cancelSchema = p.object({
  invoice_now: p.boolean().optional(),
  prorate: p.boolean().optional(),
  cancellation_details: cancellationDetails.optional(),
});
const createSchema = p.object({
  customer: p.string(),
  items: p.array(p.object({ price: p.string(), quantity: p.integer().optional() })),
  trial_period_days: p.integer().optional(),
  metadata: p.metadata().optional(),
  description: p.string().optional(),
  payment_behavior: p.oneOf(['allow_incomplete', 'default_incomplete', 'error_if_incomplete', 'pending_if_incomplete']).optional(),
  discounts: p.array(p.object({ coupon: p.string().optional(), promotion_code: p.string().optional() })).optional(),
  trial_settings: p.object({ end_behavior: p.object({ missing_payment_method: p.oneOf(['cancel', 'create_invoice', 'pause']) }) }).optional(),
  cancel_at_period_end: p.boolean().optional(),
});
const invoiceListSchema = p.object({
  ...listShape,
  customer: p.string().optional(),
  subscription: p.string().optional(),
  status: p.oneOf(['draft', 'open', 'paid', 'uncollectible', 'void']).optional(),
});

function matchesStatus(sub: Stripe.Subscription, status: (typeof STATUSES)[number] | undefined): boolean {
  if (status === 'all') return true;
  if (status === 'ended') return ENDED.has(sub.status);
  if (status === undefined) return sub.status !== 'canceled';
  return sub.status === status;
}

export function registerSubscriptionRoutes(api: StripeApi, world: StripeWorld): void {
  const store = world.store;

  api.get('/v1/subscriptions/:id', ({ path }) => store.subscription(path.id as string).sub);

  api.get('/v1/subscriptions', ({ form }) => {
    const params = parseParams(listSchema, form);
    const all = StripeStore.newestFirst(store.subscriptions.values())
      .map((r) => r.sub)
      .filter(
        (s) =>
          matchesStatus(s, params.status) &&
          (params.customer === undefined || s.customer === params.customer) &&
          (params.price === undefined || s.items.data.some((i) => i.price.id === params.price)),
      );
    return paginate(all, params, '/v1/subscriptions', 'subscription');
  });

  api.post('/v1/subscriptions', ({ form }) => {
    const params = parseParams(createSchema, form);
    const customer = store.customer(params.customer, 'customer');
    const item = params.items[0];
    if (!item) throw missingParam('items');
    if (params.items.length > 1) throw invalidParam('items', 'The emulator supports one item per subscription.');
    const price = store.price(item.price, 'items[0][price]');
    if (!price.recurring) throw invalidParam('items[0][price]', 'The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.');
    const discount = params.discounts?.[0] ? checkDiscount(world, params.discounts[0], 'discounts[0]', customer.customer.id) : null;
    const behaviour = params.payment_behavior ?? 'allow_incomplete';
    const trial = params.trial_period_days !== undefined;
    if (!trial && behaviour !== 'default_incomplete') {
      if (!customer.card) throw invalidRequest('This customer has no attached payment source or default payment method.', { code: 'resource_missing' });
      const charge = cardBehaviour(customer.card.number).later;
      if (!charge.ok && behaviour === 'error_if_incomplete') throw cardError(charge.code, charge.declineCode, charge.message);
    }
    const rec = createSubscription(world, {
      customer,
      price,
      quantity: item.quantity ?? 1,
      trialEnd: trial ? world.now() + (params.trial_period_days ?? 0) * DAY_SECONDS : null,
      metadata: mergeMetadata({}, params.metadata),
      description: params.description ?? null,
      discount,
      checkoutSession: null,
      chargeNow: behaviour !== 'default_incomplete',
      missingPaymentMethod: params.trial_settings?.end_behavior.missing_payment_method ?? 'create_invoice',
    });
    if (params.cancel_at_period_end) setCancelAtPeriodEnd(world, rec, true);
    return rec.sub;
  });

  api.post('/v1/subscriptions/:id', ({ path, form }) => {
    const rec = store.subscription(path.id as string);
    const params = parseParams(updateSchema, form);
    const ended = ENDED.has(rec.sub.status);
    if (ended && (params.cancel_at_period_end !== undefined || params.description !== undefined)) {
      throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.');
    }
    if (params.cancel_at_period_end !== undefined && params.cancel_at_period_end !== rec.sub.cancel_at_period_end) {
      setCancelAtPeriodEnd(world, rec, params.cancel_at_period_end);
    }
    updateSubscription(world, rec, (sub) => {
      if (params.metadata !== undefined) sub.metadata = mergeMetadata(sub.metadata, params.metadata);
      if (params.description !== undefined) sub.description = params.description === '' ? null : params.description;
      if (params.cancellation_details) {
        sub.cancellation_details = {
          comment: params.cancellation_details.comment ?? sub.cancellation_details?.comment ?? null,
          feedback: params.cancellation_details.feedback ?? sub.cancellation_details?.feedback ?? null,
          feedback_option: null,
          reason: sub.cancellation_details?.reason ?? null,
        };
      }
    });
    return rec.sub;
  });

  api.delete('/v1/subscriptions/:id', ({ path, form }) => {
    const rec: SubscriptionRecord = store.subscription(path.id as string);
    const params = parseParams(cancelSchema, form);
    if (ENDED.has(rec.sub.status)) throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.');
    cancelNow(world, rec, 'cancellation_requested', { comment: params.cancellation_details?.comment ?? null, feedback: params.cancellation_details?.feedback ?? null });
    return rec.sub;
  });

  api.get('/v1/invoices/:id', ({ path }) => store.invoice(path.id as string));

  api.get('/v1/invoices', ({ form }) => {
    const params = parseParams(invoiceListSchema, form);
    exclusive(params, ['customer', 'subscription']);
    const all = StripeStore.newestFirst(store.invoices.values()).filter(
      (i) =>
        (params.customer === undefined || i.customer === params.customer) &&
        (params.subscription === undefined || i.parent?.subscription_details?.subscription === params.subscription) &&
        (params.status === undefined || i.status === params.status),
    );
    return paginate(all, params, '/v1/invoices', 'invoice');
  });

  api.post('/v1/invoices/:id/pay', ({ path, form }) => {
    const invoice = store.invoice(path.id as string);
    parseParams(p.object({}), form);
    if (invoice.status !== 'open') throw invalidRequest(`Invoice is already ${invoice.status}.`, { code: 'invoice_not_open' });
    const subId = invoice.parent?.subscription_details?.subscription;
    const rec = typeof subId === 'string' ? store.subscriptions.get(subId) : undefined;
    if (!rec) throw invalidRequest('The emulator can only pay subscription invoices.');
    // A manual attempt does not move the automatic retry schedule.
    const scheduled = { next: invoice.next_payment_attempt, failed: rec.failedAttempts };
    if (attemptPayment(world, rec, invoice, false)) {
      if (['past_due', 'unpaid', 'incomplete'].includes(rec.sub.status) && rec.sub.latest_invoice === invoice.id) {
        updateSubscription(world, rec, (s) => (s.status = 'active'));
      }
      return invoice;
    }
    invoice.next_payment_attempt = scheduled.next;
    rec.failedAttempts = scheduled.failed;
    throw cardError('card_declined', 'generic_decline', 'Your card was declined.');
  });
}
