// The emulator's state: every Stripe object by id, in creation order, plus the bookkeeping Stripe keeps
// out of sight (saved cards, forced payment outcomes, retry counts, idempotent answers).
import type Stripe from 'stripe';
import { resourceMissing } from './errors';

export type PaymentOutcome = 'succeed' | 'fail';

export interface CardOnFile {
  paymentMethod: string;
  number: string;
}

export interface CustomerRecord {
  customer: Stripe.Customer;
  deleted: boolean;
  card: CardOnFile | null;
}

/** The discount a checkout or subscription asked for, before it is redeemed. */
export interface DiscountRequest {
  coupon: string;
  promotionCode: string | null;
}

export interface SessionRecord {
  session: Stripe.Checkout.Session;
  lineItems: Stripe.LineItem[];
  price: string;
  quantity: number;
  trialDays: number | null;
  subscriptionMetadata: Record<string, string>;
  subscriptionDescription: string | null;
  discount: DiscountRequest | null;
}

export interface SubscriptionRecord {
  sub: Stripe.Subscription;
  /** Outcomes the drivers queued for the next payment attempts; the saved card decides otherwise. */
  forced: PaymentOutcome[];
  /** Failed attempts on the open invoice, which pick the next retry from the schedule. */
  failedAttempts: number;
  trialWillEndSent: boolean;
  /** The redeemed discount and whether a `once` coupon has been spent. */
  discount: string | null;
  discountSpent: boolean;
}

/** A charge that paid an invoice. */
export interface ChargeRecord {
  charge: Stripe.Charge;
  invoice: string;
}

export interface PortalRecord {
  session: Stripe.BillingPortal.Session;
  token: string;
}

/** A stored answer, replayed for a request that repeats its Idempotency-Key. */
export interface IdempotentAnswer {
  method: string;
  path: string;
  body: string;
  status: number;
  payload: string;
  requestId: string;
}

function mustGet<T>(map: Map<string, T>, kind: string, id: string, param?: string): T {
  const found = map.get(id);
  if (found === undefined) throw resourceMissing(kind, id, param);
  return found;
}

export class StripeStore {
  readonly customers = new Map<string, CustomerRecord>();
  readonly products = new Map<string, Stripe.Product>();
  readonly prices = new Map<string, Stripe.Price>();
  readonly sessions = new Map<string, SessionRecord>();
  readonly subscriptions = new Map<string, SubscriptionRecord>();
  readonly invoices = new Map<string, Stripe.Invoice>();
  readonly coupons = new Map<string, Stripe.Coupon>();
  readonly promotionCodes = new Map<string, Stripe.PromotionCode>();
  readonly discounts = new Map<string, Stripe.Discount>();
  readonly portalSessions = new Map<string, PortalRecord>();
  readonly balanceTransactions = new Map<string, Stripe.CustomerBalanceTransaction>();
  readonly charges = new Map<string, ChargeRecord>();
  readonly invoicePayments = new Map<string, Stripe.InvoicePayment>();
  readonly disputes = new Map<string, Stripe.Dispute>();
  readonly events = new Map<string, Stripe.Event>();
  readonly idempotency = new Map<string, IdempotentAnswer>();

  customer(id: string, param?: string): CustomerRecord {
    const rec = mustGet(this.customers, 'customer', id, param);
    if (rec.deleted && param) throw resourceMissing('customer', id, param);
    return rec;
  }

  price(id: string, param?: string): Stripe.Price {
    return mustGet(this.prices, 'price', id, param);
  }

  product(id: string, param?: string): Stripe.Product {
    return mustGet(this.products, 'product', id, param);
  }

  session(id: string, param?: string): SessionRecord {
    return mustGet(this.sessions, 'checkout.session', id, param);
  }

  subscription(id: string, param?: string): SubscriptionRecord {
    return mustGet(this.subscriptions, 'subscription', id, param);
  }

  invoice(id: string, param?: string): Stripe.Invoice {
    return mustGet(this.invoices, 'invoice', id, param);
  }

  coupon(id: string, param?: string): Stripe.Coupon {
    return mustGet(this.coupons, 'coupon', id, param);
  }

  promotionCode(id: string, param?: string): Stripe.PromotionCode {
    return mustGet(this.promotionCodes, 'promotion_code', id, param);
  }

  charge(id: string, param?: string): ChargeRecord {
    return mustGet(this.charges, 'charge', id, param);
  }

  dispute(id: string, param?: string): Stripe.Dispute {
    return mustGet(this.disputes, 'dispute', id, param);
  }

  event(id: string): Stripe.Event {
    return mustGet(this.events, 'event', id);
  }

  /** Finds an active promotion code by the code a customer types (case-insensitive, as Stripe does). */
  promotionCodeByCode(code: string): Stripe.PromotionCode | undefined {
    const wanted = code.trim().toLowerCase();
    return [...this.promotionCodes.values()].find((p) => p.code.toLowerCase() === wanted);
  }

  /** The API lists newest first. */
  static newestFirst<T>(values: Iterable<T>): T[] {
    return [...values].reverse();
  }

  clear(): void {
    for (const map of [
      this.customers,
      this.products,
      this.prices,
      this.sessions,
      this.subscriptions,
      this.invoices,
      this.coupons,
      this.promotionCodes,
      this.discounts,
      this.portalSessions,
      this.balanceTransactions,
      this.charges,
      this.invoicePayments,
      this.disputes,
      this.events,
      this.idempotency,
    ] as Map<string, unknown>[]) {
      map.clear();
    }
  }
}
