// /v1/customers: create, retrieve, update, delete, list (with the email filter), and the customer
// balance transactions that move `customer.balance` (a credit is negative).
import type Stripe from 'stripe';
import type { StripeApi } from '../api';
import { invalidParam, resourceMissing } from '../errors';
import { invoicePrefix, stripeId } from '../ids';
import { cancelNow } from '../lifecycle';
import { buildBalanceTransaction } from '../objects/balance-transaction';
import { buildCustomer, buildDeletedCustomer } from '../objects/customer';
import { paginate } from '../objects/list';
import { listShape, mergeMetadata, p, parseParams } from '../params';
import { StripeStore, type CustomerRecord } from '../store';
import type { StripeWorld } from '../world';

const customerFields = {
  email: p.string().optional(),
  name: p.string().optional(),
  description: p.string().optional(),
  phone: p.string().optional(),
  metadata: p.metadata().optional(),
  preferred_locales: p.array(p.string()).optional(),
};
const createSchema = p.object({ ...customerFields, balance: p.integer().optional() });
const updateSchema = p.object({ ...customerFields, balance: p.integer().optional() });
const listSchema = p.object({ ...listShape, email: p.string().optional() });
const balanceSchema = p.object({
  amount: p.integer(),
  currency: p.string(),
  description: p.string().optional(),
  metadata: p.metadata().optional(),
});

function render(rec: CustomerRecord): Stripe.Customer | Stripe.DeletedCustomer {
  return rec.deleted ? buildDeletedCustomer(rec.customer.id) : rec.customer;
}

function live(world: StripeWorld, id: string): CustomerRecord {
  const rec = world.store.customer(id);
  if (rec.deleted) throw resourceMissing('customer', id);
  return rec;
}

/** Records a balance change as Stripe does: a transaction with the ending balance, and customer.updated. */
export function adjustBalance(world: StripeWorld, rec: CustomerRecord, change: { amount: number; currency: string; description: string | null; metadata: Record<string, string> | null }): Stripe.CustomerBalanceTransaction {
  const customer = rec.customer;
  const before = customer.balance;
  const txn = buildBalanceTransaction({
    id: stripeId('cbtxn'),
    created: world.now(),
    customer: customer.id,
    amount: change.amount,
    currency: change.currency,
    description: change.description,
    endingBalance: before + change.amount,
    invoice: null,
    type: 'adjustment',
    metadata: change.metadata,
  });
  world.store.balanceTransactions.set(txn.id, txn);
  customer.balance = txn.ending_balance;
  customer.currency ??= change.currency;
  world.emit('customer.updated', customer, { balance: before });
  return txn;
}

export function registerCustomerRoutes(api: StripeApi, world: StripeWorld): void {
  const store = world.store;

  api.post('/v1/customers', ({ form }) => {
    const params = parseParams(createSchema, form);
    const customer = buildCustomer({
      id: stripeId('cus'),
      created: world.now(),
      email: params.email ?? null,
      name: params.name ?? null,
      description: params.description ?? null,
      phone: params.phone ?? null,
      metadata: mergeMetadata({}, params.metadata),
      invoicePrefix: invoicePrefix(),
    });
    customer.balance = params.balance ?? 0;
    customer.preferred_locales = params.preferred_locales ?? [];
    store.customers.set(customer.id, { customer, deleted: false, card: null });
    world.emit('customer.created', customer);
    return customer;
  });

  api.get('/v1/customers/:id', ({ path }) => render(store.customer(path.id as string)));

  api.post('/v1/customers/:id', ({ path, form }) => {
    const rec = live(world, path.id as string);
    const params = parseParams(updateSchema, form);
    const customer = rec.customer;
    const previous: Record<string, unknown> = {};
    const set = <K extends keyof Stripe.Customer>(key: K, value: Stripe.Customer[K] | undefined): void => {
      if (value === undefined || JSON.stringify(customer[key]) === JSON.stringify(value)) return;
      previous[key] = customer[key];
      customer[key] = value;
    };
    set('email', params.email === '' ? null : params.email);
    set('name', params.name === '' ? null : params.name);
    set('description', params.description === '' ? null : params.description);
    set('phone', params.phone === '' ? null : params.phone);
    set('balance', params.balance);
    set('preferred_locales', params.preferred_locales);
    if (params.metadata !== undefined) set('metadata', mergeMetadata(customer.metadata, params.metadata));
    if (Object.keys(previous).length > 0) world.emit('customer.updated', customer, previous);
    return customer;
  });

  api.delete('/v1/customers/:id', ({ path }) => {
    const rec = live(world, path.id as string);
    for (const sub of store.subscriptions.values()) {
      if (sub.sub.customer === rec.customer.id && !['canceled', 'incomplete_expired'].includes(sub.sub.status)) cancelNow(world, sub, 'cancellation_requested');
    }
    rec.deleted = true;
    world.emit('customer.deleted', rec.customer);
    return buildDeletedCustomer(rec.customer.id);
  });

  api.get('/v1/customers', ({ form }) => {
    const params = parseParams(listSchema, form);
    const all = StripeStore.newestFirst(store.customers.values())
      .filter((r) => !r.deleted)
      .map((r) => r.customer)
      .filter((c) => params.email === undefined || c.email === params.email);
    return paginate(all, params, '/v1/customers', 'customer');
  });

  api.post('/v1/customers/:id/balance_transactions', ({ path, form }) => {
    const rec = live(world, path.id as string);
    const params = parseParams(balanceSchema, form);
    const currency = params.currency.toLowerCase();
    if (rec.customer.currency !== null && rec.customer.currency !== undefined && rec.customer.currency !== currency) {
      throw invalidParam('currency', `The currency ${currency} does not match the customer's currency ${rec.customer.currency}.`);
    }
    return adjustBalance(world, rec, { amount: params.amount, currency, description: params.description ?? null, metadata: params.metadata === undefined ? {} : mergeMetadata({}, params.metadata) });
  });

  api.get('/v1/customers/:id/balance_transactions', ({ path, form }) => {
    const id = live(world, path.id as string).customer.id;
    const params = parseParams(p.object(listShape), form);
    const all = StripeStore.newestFirst(store.balanceTransactions.values()).filter((t) => t.customer === id);
    return paginate(all, params, `/v1/customers/${id}/balance_transactions`, 'customer_balance_transaction');
  });

  api.get('/v1/customers/:id/balance_transactions/:txn', ({ path }) => {
    const txn = store.balanceTransactions.get(path.txn as string);
    if (!txn || txn.customer !== path.id) throw resourceMissing('customer_balance_transaction', path.txn as string);
    return txn;
  });
}
