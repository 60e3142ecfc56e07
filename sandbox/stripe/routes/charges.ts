// /v1/charges/:id, /v1/disputes/:id and /v1/invoice_payments (by invoice or by payment intent): how a charge leads back to its invoice.
import type { StripeApi } from '../api';
import { paginate } from '../objects/list';
import { listShape, p, parseParams } from '../params';
import { StripeStore } from '../store';
import type { StripeWorld } from '../world';

const invoicePaymentListSchema = p.object({
  ...listShape,
  invoice: p.string().optional(),
  payment: p.object({ type: p.oneOf(['payment_intent', 'payment_record']), payment_intent: p.string().optional(), payment_record: p.string().optional() }).optional(),
  status: p.oneOf(['canceled', 'open', 'paid']).optional(),
});

export function registerChargeRoutes(api: StripeApi, world: StripeWorld): void {
  const store = world.store;
  api.get('/v1/charges/:id', ({ path }) => store.charge(path.id as string).charge);
  api.get('/v1/disputes/:id', ({ path }) => store.dispute(path.id as string));
  api.get('/v1/invoice_payments', ({ form }) => {
    const params = parseParams(invoicePaymentListSchema, form);
    const all = StripeStore.newestFirst(store.invoicePayments.values()).filter(
      (ip) =>
        (params.invoice === undefined || ip.invoice === params.invoice) &&
        (params.payment?.payment_intent === undefined || ip.payment.payment_intent === params.payment.payment_intent) &&
        (params.status === undefined || ip.status === params.status),
    );
    return paginate(all, params, '/v1/invoice_payments', 'invoice_payment');
  });
}
