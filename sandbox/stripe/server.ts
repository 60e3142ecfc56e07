// Starts the Stripe emulator: the /v1 API stripe-node talks to, the hosted checkout and portal pages,
// signed webhooks, simulated time and the drivers, behind one `StripeEmulator` handle.
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { EmulatorServer, type Fault, type RecordedRequest } from '../base/emulator';
import { systemClock, type Clock } from '../../core/clock';
import { StripeApi } from './api';
import { registerCheckoutPage } from './checkout-page';
import type { CheckoutPayment, CheckoutResult } from './checkout';
import { EmulatorClock } from './clock';
import { StripeDrivers, type InstantDrivers } from './drivers';
import { renderStripeFault } from './errors';
import { decodeForm, type FormObject } from './form';
import { registerPortalPage } from './portal-page';
import { registerCatalogRoutes, seedPlans, type PlanPrice } from './routes/catalog';
import { registerChargeRoutes } from './routes/charges';
import { registerCheckoutRoutes } from './routes/checkout';
import { registerCouponRoutes } from './routes/coupons';
import { registerCustomerRoutes } from './routes/customers';
import { registerEventRoutes } from './routes/events';
import { registerPortalRoutes } from './routes/portal';
import { registerSubscriptionRoutes } from './routes/subscriptions';
import type { StripeStore } from './store';
import { renderEvent } from './versions';
import { defaultWebhookOptions, WebhookDispatcher, type WebhookBehaviour } from './webhooks';
import { snapshot, StripeWorld, type RetrySchedule } from './world';

export interface StripeEmulatorOptions {
  /** 0 or absent picks a free port. */
  port?: number;
  /**
   * The address to listen on: 127.0.0.1 by default; the service's HOST in the sandbox, so a browser
   * outside a container reaches the checkout and portal pages. Its `url` (what clients call and the
   * pages' links use) stays 127.0.0.1 when this is every address (0.0.0.0, ::).
   */
  host?: string;
  /** The key clients must send as `Authorization: Bearer ...`; a random sk_test_ key when absent. */
  secretKey?: string;
  /** The `whsec_...` secret webhooks are signed with; random when absent. */
  webhookSecret?: string;
  /** Where events are POSTed (loopback only); can be set later with `setWebhookUrl`. */
  webhookUrl?: string;
  /** Paid plans whose products and prices must exist from the start. */
  plans?: PlanPrice[];
  /** Simulated time. A FakeClock is moved by the time drivers; another clock gets an offset. */
  clock?: Clock;
  /** The time webhook signatures carry: wall time by default, as Stripe's test clocks leave it. */
  signatureClock?: Clock;
  /** Failed-renewal retries: by default one retry after 3 days, then unpaid. */
  retry?: Partial<RetrySchedule>;
  checkoutTtlSeconds?: number;
  apiVersion?: string;
  webhooks?: Partial<WebhookBehaviour> & { retryDelaysMs?: number[]; timeoutMs?: number; sleep?: (ms: number, signal?: AbortSignal) => Promise<void> };
  /** When set, applies due work (renewals, expiries) on this real-time interval, for the sandbox app. */
  tickIntervalMs?: number;
}

/** The emulator as tests and the sandbox see it. */
export interface StripeEmulator {
  /** Where clients call it and its checkout and portal links point: 127.0.0.1 when it listens on every address. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The address and port it listens on, as the system reports them (0.0.0.0 when `host` was every address). */
  listening(): { address: string; port: number } | null;
  readonly secretKey: string;
  readonly webhookSecret: string;
  /** Every request received (path, query, headers, raw body, status answered). */
  readonly requests: RecordedRequest[];
  /** State, for inspection (treat as read-only). */
  readonly store: StripeStore;
  readonly webhooks: WebhookDispatcher;
  /** Options for `new Stripe(secretKey, options)` that point stripe-node here. */
  clientOptions(extra?: Stripe.StripeConfig): Stripe.StripeConfig;
  /** The decoded form bodies (or queries) of the requests to `method path`, in order. */
  calls(method: string, path: string): { form: FormObject; headers: RecordedRequest['headers']; status: number | undefined }[];

  completeCheckout(sessionId: string, payment: CheckoutPayment): CheckoutResult;
  advanceTime(ms: number): Promise<void>;
  tick(): void;
  renewalSucceeds(subscriptionId: string): Promise<Stripe.Subscription>;
  renewalFails(subscriptionId: string): Promise<Stripe.Subscription>;
  trialEnds(subscriptionId: string, options: { paid: boolean }): Promise<Stripe.Subscription>;
  periodEnds(subscriptionId: string): Promise<Stripe.Subscription>;
  /** Refunds the subscription's latest payment (in full, or `amount` of it): charge.refunded. */
  refund(subscriptionId: string, options?: { amount?: number }): Stripe.Charge;
  /** Disputes the subscription's latest payment: charge.dispute.created. */
  dispute(subscriptionId: string, reason?: string): Stripe.Dispute;
  /** Closes a dispute, won (for the merchant) or lost: charge.dispute.closed. */
  closeDispute(disputeId: string, outcome: 'won' | 'lost'): Stripe.Dispute;
  /** Simulated time now, in milliseconds (ahead of the real clock once the console's drivers jumped it). */
  clockMs(): number;
  /** The time drivers applied at once, simulated time jumping like a test clock (for the console's buttons). */
  readonly instant: InstantDrivers;
  /** The events emitted so far, oldest first, optionally of one type. */
  events(type?: string): Stripe.Event[];
  subscription(id: string): Stripe.Subscription;
  whenWebhooksDelivered(): Promise<void>;
  /** Where events go; `apiVersion` renders them as an endpoint pinned to that (older) API version receives them. */
  setWebhookUrl(url: string | undefined, options?: { apiVersion?: string }): void;
  /** A `Stripe-Signature` header for a payload, as webhook deliveries carry (for crafted test events). */
  signWebhook(payload: string, timestampSec?: number): string;

  failNext(fault: Fault, options?: { count?: number; match?: (req: RecordedRequest) => boolean }): void;
  /** Processes the next matching POST but drops the connection instead of answering (a lost response). */
  loseNextAnswer(match?: (req: RecordedRequest) => boolean): void;
  /** Forgets all objects, events, requests and pending faults; the plans are seeded again. */
  reset(): void;
  stop(): Promise<void>;
}

const DEFAULT_RETRY: RetrySchedule = { delaysMs: [3 * 86_400_000], finalStatus: 'unpaid' };

function randomSecret(prefix: string): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

const ANY_ADDRESS = new Set(['0.0.0.0', '::', '[::]']);

/** Where it is called and linked: on 127.0.0.1 when it listens on every address, else where it listens. */
function reachableUrl(listening: string, host: string | undefined): string {
  if (host === undefined || !ANY_ADDRESS.has(host)) return listening;
  return `http://127.0.0.1:${new URL(listening).port}`;
}

export async function startStripeEmulator(options: StripeEmulatorOptions = {}): Promise<StripeEmulator> {
  const secretKey = options.secretKey ?? randomSecret('sk_test_');
  if (!/^sk_test_\w+$/.test(secretKey)) throw new Error('secretKey must look like sk_test_... (letters, digits, underscore)');
  const webhookSecret = options.webhookSecret ?? randomSecret('whsec_');
  if (!webhookSecret.startsWith('whsec_')) throw new Error('webhookSecret must start with whsec_');
  const apiVersion = options.apiVersion ?? Stripe.API_VERSION;

  const server = new EmulatorServer({ name: 'stripe', port: options.port ?? 0, host: options.host ?? '127.0.0.1', renderFault: renderStripeFault });
  const webhooks: WebhookDispatcher = new WebhookDispatcher({
    ...defaultWebhookOptions,
    secret: webhookSecret,
    url: options.webhookUrl,
    ...(options.webhooks?.retryDelaysMs ? { retryDelaysMs: options.webhooks.retryDelaysMs } : {}),
    ...(options.webhooks?.timeoutMs ? { timeoutMs: options.webhooks.timeoutMs } : {}),
    ...(options.webhooks?.sleep ? { sleep: options.webhooks.sleep } : {}),
    signatureClock: options.signatureClock ?? systemClock,
    behaviour: { duplicate: options.webhooks?.duplicate, delayMs: options.webhooks?.delayMs, order: options.webhooks?.order },
    render: (event: Stripe.Event, version: string): Stripe.Event => renderEvent(world, event, version),
  });
  const clock = new EmulatorClock(options.clock ?? systemClock);
  const world: StripeWorld = new StripeWorld(
    clock,
    {
      apiVersion,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      checkoutTtlSeconds: options.checkoutTtlSeconds ?? 86_400,
      baseUrl: () => url,
      endpointCount: () => webhooks.endpointCount,
    },
    (events) => webhooks.enqueue(events),
  );
  const drivers = new StripeDrivers(world);
  const losing: ((req: RecordedRequest) => boolean)[] = [];
  const api = new StripeApi(server, world, {
    secretKey,
    apiVersion,
    dropAnswer: (req) => {
      const at = losing.findIndex((m) => m(req));
      if (at < 0) return false;
      losing.splice(at, 1);
      return true;
    },
  });
  registerCustomerRoutes(api, world);
  registerCatalogRoutes(api, world);
  registerCheckoutRoutes(api, world);
  registerSubscriptionRoutes(api, world);
  registerCouponRoutes(api, world);
  registerPortalRoutes(api, world);
  registerEventRoutes(api, world);
  registerChargeRoutes(api, world);
  api.fallback();
  registerCheckoutPage(server, world, drivers);
  registerPortalPage(server, world, drivers);

  const plans = options.plans ?? [];
  seedPlans(world, plans);
  const url = reachableUrl(await server.start(), options.host);
  const { hostname, port } = new URL(url);
  const ticker = options.tickIntervalMs ? setInterval(() => drivers.tick(), options.tickIntervalMs) : undefined;
  ticker?.unref();

  return {
    url,
    host: hostname,
    port: Number(port),
    secretKey,
    webhookSecret,
    listening: () => {
      const at = server.listening;
      return at ? { address: at.address, port: at.port } : null;
    },
    requests: server.requests,
    store: world.store,
    webhooks,
    clientOptions: (extra = {}) => ({ host: hostname, port: Number(port), protocol: 'http', ...extra }),
    calls: (method, path) =>
      server.requests
        .filter((r) => r.method === method.toUpperCase() && r.path === path)
        .map((r) => ({ form: decodeForm(r.method === 'POST' ? r.rawBody.toString('utf8') : r.query), headers: r.headers, status: r.status })),
    completeCheckout: (sessionId, payment) => drivers.completeCheckout(sessionId, payment),
    advanceTime: (ms) => drivers.advanceTime(ms),
    tick: () => drivers.tick(),
    renewalSucceeds: (id) => drivers.renewalSucceeds(id),
    renewalFails: (id) => drivers.renewalFails(id),
    trialEnds: (id, o) => drivers.trialEnds(id, o),
    periodEnds: (id) => drivers.periodEnds(id),
    refund: (id, o) => drivers.refund(id, o),
    dispute: (id, reason) => drivers.dispute(id, reason),
    closeDispute: (id, outcome) => drivers.closeDispute(id, outcome),
    instant: drivers.instant,
    clockMs: () => clock.nowMs(),
    events: (type) => [...world.store.events.values()].filter((e) => type === undefined || e.type === type),
    subscription: (id) => snapshot(world.store.subscription(id).sub),
    whenWebhooksDelivered: () => webhooks.whenDelivered(),
    setWebhookUrl: (next, o) => webhooks.setUrl(next, o?.apiVersion),
    signWebhook: (payload, timestampSec) => webhooks.sign(payload, timestampSec),
    failNext: (fault, o) => server.failNext(fault, o),
    loseNextAnswer: (match = () => true) => {
      losing.push(match);
    },
    reset: () => {
      world.store.clear();
      server.resetBase();
      losing.length = 0;
      seedPlans(world, plans);
    },
    stop: async () => {
      if (ticker) clearInterval(ticker);
      webhooks.stop();
      await server.stop();
    },
  };
}
