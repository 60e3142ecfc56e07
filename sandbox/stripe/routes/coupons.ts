// /v1/coupons and /v1/promotion_codes: create, retrieve, update, list (codes by `code`), delete coupons.
import type Stripe from 'stripe';
import type { StripeApi } from '../api';
import { couponId, stripeId } from '../ids';
import { invalidParam, missingParam } from '../errors';
import { buildCoupon, buildPromotionCode } from '../objects/coupon';
import { paginate } from '../objects/list';
import { exclusive, listShape, mergeMetadata, p, parseParams } from '../params';
import { StripeStore } from '../store';
import type { StripeWorld } from '../world';

const couponSchema = p.object({
  id: p.string().optional(),
  name: p.string().optional(),
  percent_off: p.decimal().optional(),
  amount_off: p.integer().optional(),
  currency: p.string().optional(),
  duration: p.oneOf(['forever', 'once', 'repeating']).optional(),
  duration_in_months: p.integer().optional(),
  max_redemptions: p.integer().optional(),
  redeem_by: p.integer().optional(),
  metadata: p.metadata().optional(),
});
const couponUpdateSchema = p.object({ name: p.string().optional(), metadata: p.metadata().optional() });
const promoSchema = p.object({
  promotion: p.object({ type: p.oneOf(['coupon']), coupon: p.string().optional() }),
  code: p.string().optional(),
  active: p.boolean().optional(),
  customer: p.string().optional(),
  expires_at: p.integer().optional(),
  max_redemptions: p.integer().optional(),
  metadata: p.metadata().optional(),
  restrictions: p.object({ first_time_transaction: p.boolean().optional() }).optional(),
});
const promoUpdateSchema = p.object({ active: p.boolean().optional(), metadata: p.metadata().optional() });
const promoListSchema = p.object({
  ...listShape,
  active: p.boolean().optional(),
  code: p.string().optional(),
  coupon: p.string().optional(),
  customer: p.string().optional(),
});

function couponName(params: { name?: string | undefined; percent_off?: number | undefined; amount_off?: number | undefined; currency?: string | undefined }): string | null {
  if (params.name !== undefined) return params.name;
  if (params.percent_off !== undefined) return `${params.percent_off}% off`;
  return null;
}

export function registerCouponRoutes(api: StripeApi, world: StripeWorld): void {
  const store = world.store;

  api.post('/v1/coupons', ({ form }) => {
    const params = parseParams(couponSchema, form);
    exclusive(params, ['percent_off', 'amount_off']);
    if (params.percent_off === undefined && params.amount_off === undefined) throw missingParam('percent_off');
    if (params.percent_off !== undefined && (params.percent_off <= 0 || params.percent_off > 100)) throw invalidParam('percent_off', 'percent_off must be greater than 0 and at most 100.');
    if (params.amount_off !== undefined && params.currency === undefined) throw missingParam('currency');
    const duration = params.duration ?? 'once';
    if (duration === 'repeating' && params.duration_in_months === undefined) throw missingParam('duration_in_months');
    const id = params.id ?? couponId();
    if (store.coupons.has(id)) throw invalidParam('id', 'Coupon already exists.', 'resource_already_exists');
    const coupon = buildCoupon({
      id,
      created: world.now(),
      name: couponName(params),
      percentOff: params.percent_off ?? null,
      amountOff: params.amount_off ?? null,
      currency: params.amount_off !== undefined ? (params.currency ?? null)?.toLowerCase() ?? null : null,
      duration,
      durationInMonths: duration === 'repeating' ? (params.duration_in_months ?? null) : null,
      maxRedemptions: params.max_redemptions ?? null,
      redeemBy: params.redeem_by ?? null,
      metadata: mergeMetadata({}, params.metadata),
    });
    store.coupons.set(id, coupon);
    world.emit('coupon.created', coupon);
    return coupon;
  });
  api.get('/v1/coupons/:id', ({ path }) => store.coupon(path.id as string));
  api.post('/v1/coupons/:id', ({ path, form }) => {
    const coupon = store.coupon(path.id as string);
    const params = parseParams(couponUpdateSchema, form);
    const previous: Partial<Stripe.Coupon> = { name: coupon.name, metadata: coupon.metadata };
    if (params.name !== undefined) coupon.name = params.name;
    if (params.metadata !== undefined) coupon.metadata = mergeMetadata(coupon.metadata, params.metadata);
    world.emit('coupon.updated', coupon, previous);
    return coupon;
  });
  api.delete('/v1/coupons/:id', ({ path }) => {
    const coupon = store.coupon(path.id as string);
    store.coupons.delete(coupon.id);
    world.emit('coupon.deleted', coupon);
    return { id: coupon.id, object: 'coupon', deleted: true } satisfies Stripe.DeletedCoupon;
  });
  api.get('/v1/coupons', ({ form }) => paginate(StripeStore.newestFirst(store.coupons.values()), parseParams(p.object(listShape), form), '/v1/coupons', 'coupon'));

  api.post('/v1/promotion_codes', ({ form }) => {
    const params = parseParams(promoSchema, form);
    const couponIdParam = params.promotion.coupon;
    if (couponIdParam === undefined) throw missingParam('promotion[coupon]');
    const coupon = store.coupon(couponIdParam, 'promotion[coupon]');
    if (params.customer !== undefined) store.customer(params.customer, 'customer');
    const code = params.code ?? `${coupon.id}${Math.floor(Math.random() * 1e6)}`.toUpperCase();
    const clash = store.promotionCodeByCode(code);
    if (clash && clash.active) throw invalidParam('code', `An active promotion code with \`code: ${code}\` already exists.`);
    const promo = buildPromotionCode({
      id: stripeId('promo'),
      created: world.now(),
      code,
      coupon: coupon.id,
      active: params.active ?? true,
      customer: params.customer ?? null,
      expiresAt: params.expires_at ?? null,
      maxRedemptions: params.max_redemptions ?? null,
      firstTimeTransaction: params.restrictions?.first_time_transaction ?? false,
      metadata: mergeMetadata({}, params.metadata),
    });
    store.promotionCodes.set(promo.id, promo);
    world.emit('promotion_code.created', promo);
    return promo;
  });
  api.get('/v1/promotion_codes/:id', ({ path }) => store.promotionCode(path.id as string));
  api.post('/v1/promotion_codes/:id', ({ path, form }) => {
    const promo = store.promotionCode(path.id as string);
    const params = parseParams(promoUpdateSchema, form);
    const previous: Partial<Stripe.PromotionCode> = { active: promo.active, metadata: promo.metadata };
    if (params.active !== undefined) promo.active = params.active;
    if (params.metadata !== undefined) promo.metadata = mergeMetadata(promo.metadata, params.metadata);
    world.emit('promotion_code.updated', promo, previous);
    return promo;
  });
  api.get('/v1/promotion_codes', ({ form }) => {
    const params = parseParams(promoListSchema, form);
    const all = StripeStore.newestFirst(store.promotionCodes.values()).filter(
      (x) =>
        (params.active === undefined || x.active === params.active) &&
        (params.code === undefined || x.code === params.code) &&
        (params.coupon === undefined || x.promotion.coupon === params.coupon) &&
        (params.customer === undefined || x.customer === params.customer),
    );
    return paginate(all, params, '/v1/promotion_codes', 'promotion_code');
  });
}
