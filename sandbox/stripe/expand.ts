// `expand[]`: replaces ids in a response with the objects they name (`customer`, `latest_invoice`,
// `items.data.price.product`, `data.customer` in lists), up to Stripe's depth of four levels.
import { invalidParam } from './errors';
import { buildDeletedCustomer } from './objects/customer';
import { buildList } from './objects/list';
import { snapshot, type StripeWorld } from './world';

const MAX_DEPTH = 4;

/** The stored object an id names, looked up by its prefix (coupons by the field that holds them). */
function resolve(world: StripeWorld, field: string, id: string): unknown {
  const s = world.store;
  if (field === 'coupon') return s.coupons.get(id);
  if (id.startsWith('cus_')) {
    const rec = s.customers.get(id);
    return rec && (rec.deleted ? buildDeletedCustomer(id) : rec.customer);
  }
  if (id.startsWith('sub_')) return s.subscriptions.get(id)?.sub;
  if (id.startsWith('in_')) return s.invoices.get(id);
  if (id.startsWith('price_')) return s.prices.get(id);
  if (id.startsWith('prod_')) return s.products.get(id);
  if (id.startsWith('di_')) return s.discounts.get(id);
  if (id.startsWith('promo_')) return s.promotionCodes.get(id);
  if (id.startsWith('cs_')) return s.sessions.get(id)?.session;
  return s.prices.get(id) ?? s.products.get(id);
}

/** Fields that are not ids but are included on request. */
function includable(world: StripeWorld, holder: Record<string, unknown>, field: string): unknown {
  if (field === 'line_items' && holder.object === 'checkout.session' && typeof holder.id === 'string') {
    const rec = world.store.sessions.get(holder.id);
    return rec && buildList(rec.lineItems, `/v1/checkout/sessions/${holder.id}/line_items`);
  }
  return undefined;
}

function expandAt(world: StripeWorld, node: unknown, parts: string[], full: string): void {
  if (node === null || node === undefined) return;
  if (Array.isArray(node)) {
    for (const element of node) expandAt(world, element, parts, full);
    return;
  }
  if (typeof node !== 'object') return;
  const holder = node as Record<string, unknown>;
  const [field, ...rest] = parts;
  if (field === undefined) return;
  let value = holder[field];
  if (typeof value === 'string') {
    const found = resolve(world, field, value);
    if (found === undefined) throw invalidParam('expand', `This property cannot be expanded (${full}).`);
    value = snapshot(found);
    holder[field] = value;
  } else if (value === undefined) {
    const included = includable(world, holder, field);
    if (included === undefined) throw invalidParam('expand', `This property cannot be expanded (${full}).`);
    value = snapshot(included);
    holder[field] = value;
  } else if (Array.isArray(value) && rest.length === 0) {
    holder[field] = value.map((v) => {
      const found = typeof v === 'string' ? resolve(world, field.replace(/s$/, ''), v) : undefined;
      return found === undefined ? v : snapshot(found);
    });
    return;
  }
  if (rest.length > 0) expandAt(world, value, rest, full);
}

/** A copy of `value` with each dotted path expanded. */
export function expand(world: StripeWorld, value: unknown, paths: string[]): unknown {
  const out = snapshot(value);
  for (const path of paths) {
    const parts = path.split('.');
    if (parts.filter((p) => p !== 'data').length > MAX_DEPTH) {
      throw invalidParam('expand', `You cannot expand more than ${MAX_DEPTH} levels of a property. Property: ${path}`);
    }
    expandAt(world, out, parts, path);
  }
  return out;
}
