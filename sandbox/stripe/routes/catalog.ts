// /v1/products and /v1/prices, and the catalogue seeded from the plans file at start.
import type Stripe from 'stripe';
import type { StripeApi } from '../api';
import type { Interval } from '../clock';
import { invalidParam, missingParam } from '../errors';
import { stripeId } from '../ids';
import { paginate } from '../objects/list';
import { buildPrice, type PriceFields } from '../objects/price';
import { buildProduct } from '../objects/product';
import { exclusive, listShape, mergeMetadata, p, parseParams } from '../params';
import { StripeStore } from '../store';
import type { StripeWorld } from '../world';

/** One paid plan from the plans file, as the emulator needs it to exist in Stripe. */
export interface PlanPrice {
  planId: string;
  name: string;
  priceId: string;
  amountCents: number;
  currency: string;
  interval: Interval;
  /** Shown as the price's recurring.trial_period_days; 0 or absent means none. */
  trialDays?: number | null | undefined;
}

const INTERVALS = ['day', 'week', 'month', 'year'] as const;

const productSchema = p.object({
  id: p.string().optional(),
  name: p.string(),
  description: p.string().optional(),
  active: p.boolean().optional(),
  metadata: p.metadata().optional(),
});
const recurringSchema = p.object({
  interval: p.oneOf(INTERVALS),
  interval_count: p.integer().optional(),
  trial_period_days: p.integer().optional(),
  usage_type: p.oneOf(['licensed']).optional(),
});
const priceSchema = p.object({
  currency: p.string(),
  unit_amount: p.integer().optional(),
  product: p.string().optional(),
  product_data: p.object({ name: p.string(), metadata: p.metadata().optional() }).optional(),
  recurring: recurringSchema.optional(),
  nickname: p.string().optional(),
  lookup_key: p.string().optional(),
  active: p.boolean().optional(),
  metadata: p.metadata().optional(),
  tax_behavior: p.oneOf(['exclusive', 'inclusive', 'unspecified']).optional(),
});
const productListSchema = p.object({ ...listShape, active: p.boolean().optional() });
const priceListSchema = p.object({ ...listShape, active: p.boolean().optional(), product: p.string().optional(), lookup_keys: p.array(p.string()).optional(), type: p.oneOf(['one_time', 'recurring']).optional() });

function addProduct(world: StripeWorld, f: { id?: string | undefined; name: string; description?: string | undefined; active?: boolean | undefined; metadata: Record<string, string> }, emit = true): Stripe.Product {
  const id = f.id ?? stripeId('prod');
  if (world.store.products.has(id)) throw invalidParam('id', `Product already exists.`, 'resource_already_exists');
  const product = buildProduct({ id, created: world.now(), name: f.name, description: f.description ?? null, active: f.active ?? true, metadata: f.metadata, defaultPrice: null });
  world.store.products.set(id, product);
  if (emit) world.emit('product.created', product);
  return product;
}

type NewPrice = Omit<PriceFields, 'id' | 'created'> & { id?: string };

function addPrice(world: StripeWorld, f: NewPrice, emit = true): Stripe.Price {
  const price = buildPrice({ ...f, id: f.id ?? stripeId('price'), created: world.now() });
  world.store.prices.set(price.id, price);
  const product = world.store.products.get(f.product);
  if (product && product.default_price === null) product.default_price = price.id;
  if (emit) world.emit('price.created', price);
  return price;
}

/** Creates a product and a recurring price for each paid plan, so the plans file's price ids exist (no events: they predate us). */
export function seedPlans(world: StripeWorld, plans: PlanPrice[]): void {
  for (const plan of plans) {
    if (world.store.prices.has(plan.priceId)) continue;
    const product = addProduct(world, { name: plan.name, metadata: { planId: plan.planId } }, false);
    addPrice(
      world,
      {
        id: plan.priceId,
        product: product.id,
        currency: plan.currency.toLowerCase(),
        unitAmount: plan.amountCents,
        recurring: { interval: plan.interval, intervalCount: 1, trialPeriodDays: plan.trialDays ? plan.trialDays : null },
        nickname: plan.name,
        lookupKey: plan.planId,
        active: true,
        metadata: { planId: plan.planId },
      },
      false,
    );
  }
}

export function registerCatalogRoutes(api: StripeApi, world: StripeWorld): void {
  const store = world.store;

  api.post('/v1/products', ({ form }) => {
    const params = parseParams(productSchema, form);
    return addProduct(world, { ...params, metadata: mergeMetadata({}, params.metadata) });
  });
  api.get('/v1/products/:id', ({ path }) => store.product(path.id as string));
  api.get('/v1/products', ({ form }) => {
    const params = parseParams(productListSchema, form);
    const all = StripeStore.newestFirst(store.products.values()).filter((x) => params.active === undefined || x.active === params.active);
    return paginate(all, params, '/v1/products', 'product');
  });

  api.post('/v1/prices', ({ form }) => {
    const params = parseParams(priceSchema, form);
    exclusive(params, ['product', 'product_data']);
    if (params.unit_amount === undefined) throw missingParam('unit_amount');
    let productId = params.product;
    if (productId !== undefined) store.product(productId, 'product');
    else if (params.product_data) productId = addProduct(world, { name: params.product_data.name, metadata: mergeMetadata({}, params.product_data.metadata) }).id;
    else throw missingParam('product');
    return addPrice(world, {
      product: productId,
      currency: params.currency.toLowerCase(),
      unitAmount: params.unit_amount,
      recurring: params.recurring
        ? { interval: params.recurring.interval, intervalCount: params.recurring.interval_count ?? 1, trialPeriodDays: params.recurring.trial_period_days ?? null }
        : null,
      nickname: params.nickname ?? null,
      lookupKey: params.lookup_key ?? null,
      active: params.active ?? true,
      metadata: mergeMetadata({}, params.metadata),
    });
  });
  api.get('/v1/prices/:id', ({ path }) => store.price(path.id as string));
  api.get('/v1/prices', ({ form }) => {
    const params = parseParams(priceListSchema, form);
    const all = StripeStore.newestFirst(store.prices.values()).filter(
      (x) =>
        (params.active === undefined || x.active === params.active) &&
        (params.product === undefined || x.product === params.product) &&
        (params.type === undefined || x.type === params.type) &&
        (params.lookup_keys === undefined || (x.lookup_key !== null && params.lookup_keys.includes(x.lookup_key))),
    );
    return paginate(all, params, '/v1/prices', 'price');
  });
}
