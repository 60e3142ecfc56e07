// Webhook delivery as Stripe does it: each event POSTed as JSON to every endpoint, signed with
// `Stripe-Signature: t=<unix>,v1=<HMAC-SHA256(whsec, "t.payload")>`, retried with backoff on a
// non-2xx answer (bounded). For tests: duplicate, delay, reorder, hold and release, await delivery.
import { createHmac } from 'node:crypto';
import type Stripe from 'stripe';
import { systemClock, type Clock } from '../../core/clock';

/** How deliveries are disturbed, to prove a receiver copes with Stripe's at-least-once, any-order delivery. */
export interface WebhookBehaviour {
  /** Deliver every event twice. */
  duplicate: boolean;
  /** Wait this long before the first attempt of each event. */
  delayMs: number;
  /** The order of the events one change produced: as created, reversed, or shuffled. */
  order: 'created' | 'reverse' | 'shuffle';
}

export interface WebhookOptions {
  /** The `whsec_...` signing secret; the whole string is the HMAC key. */
  secret: string;
  url?: string | undefined;
  /** Waits between attempts; when they run out the delivery is given up. */
  retryDelaysMs: number[];
  timeoutMs: number;
  /** Signs with this clock's time (Stripe signs with wall time, whatever a test clock says). */
  signatureClock: Clock;
  /** How delays and retry waits pass (real timers by default); resolves early when `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  behaviour?: Partial<WebhookBehaviour> | undefined;
  /** Renders an event for an endpoint pinned to another API version (see versions.ts). */
  render?: ((event: Stripe.Event, apiVersion: string) => Stripe.Event) | undefined;
}

/** One attempt to deliver one event, as the emulator saw it. */
export interface WebhookAttempt {
  eventId: string;
  type: string;
  url: string;
  attempt: number;
  /** The endpoint's HTTP status, or null when the request failed. */
  status: number | null;
  error?: string;
  signature: string;
  payload: string;
}

interface Task {
  event: Stripe.Event;
  url: string;
  payload: string;
  attempt: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Fails at start for an endpoint that is not on this machine: the sandbox talks to loopback only. */
export function checkLoopbackUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`webhookUrl "${url}" is not a URL; give an http://127.0.0.1:PORT/... address`);
  }
  if (!LOOPBACK.has(parsed.hostname)) throw new Error(`webhookUrl must be a loopback address (127.0.0.1 or localhost), got ${parsed.hostname}`);
  return url;
}

/** The `Stripe-Signature` header for a payload at a time (seconds). */
export function signPayload(payload: string, secret: string, timestampSec: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestampSec}.${payload}`, 'utf8').digest('hex');
  return `t=${timestampSec},v1=${v1}`;
}

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function arrange<T>(items: T[], order: WebhookBehaviour['order']): T[] {
  if (order === 'reverse') return [...items].reverse();
  if (order === 'shuffle') return shuffle(items);
  return items;
}

export class WebhookDispatcher {
  readonly attempts: WebhookAttempt[] = [];
  private url: string | undefined;
  /** The endpoint's API version, when it is pinned to one other than the account's. */
  private apiVersion: string | undefined;
  private behaviour: WebhookBehaviour;
  private readonly queue: Task[] = [];
  private held: Task[] = [];
  private holding = false;
  private pumping = false;
  private outstanding = 0;
  private stopped = false;
  private waiters: (() => void)[] = [];
  private readonly stopping = new AbortController();

  constructor(private readonly options: WebhookOptions) {
    this.url = options.url === undefined ? undefined : checkLoopbackUrl(options.url);
    const given = options.behaviour ?? {};
    this.behaviour = { duplicate: given.duplicate ?? false, delayMs: given.delayMs ?? 0, order: given.order ?? 'created' };
  }

  get endpointCount(): number {
    return this.url ? 1 : 0;
  }

  /** Sets the endpoint; `apiVersion` pins it to that API version (its events are rendered in it). */
  setUrl(url: string | undefined, apiVersion?: string): void {
    this.url = url === undefined ? undefined : checkLoopbackUrl(url);
    this.apiVersion = apiVersion;
  }

  configure(behaviour: Partial<WebhookBehaviour>): void {
    this.behaviour = { ...this.behaviour, ...behaviour };
  }

  sign(payload: string, timestampSec = Math.floor(this.options.signatureClock.now() / 1000)): string {
    return signPayload(payload, this.options.secret, timestampSec);
  }

  /** Queues the events one change produced, arranged by the current behaviour. */
  enqueue(events: Stripe.Event[]): void {
    const url = this.url;
    if (!url || this.stopped) return;
    const tasks: Task[] = [];
    for (const event of arrange(events, this.behaviour.order)) {
      const rendered = this.apiVersion && this.options.render ? this.options.render(event, this.apiVersion) : event;
      const task = { event, url, payload: JSON.stringify(rendered, null, 2), attempt: 0 };
      tasks.push(task);
      if (this.behaviour.duplicate) tasks.push({ ...task });
    }
    if (this.holding) this.held.push(...tasks);
    else for (const task of tasks) this.schedule(task, this.behaviour.delayMs);
  }

  /** Keeps new deliveries back until `release`, to reorder across changes. */
  hold(): void {
    this.holding = true;
  }

  /** Sends what was held, in the order asked for. */
  release(order: WebhookBehaviour['order'] = 'created'): void {
    this.holding = false;
    const held = this.held;
    this.held = [];
    for (const task of arrange(held, order)) this.schedule(task, 0);
  }

  get heldCount(): number {
    return this.held.length;
  }

  /** Resolves once nothing is queued, delayed, in flight or waiting to retry (held deliveries excepted). */
  whenDelivered(): Promise<void> {
    if (this.outstanding === 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.stopping.abort();
    this.queue.length = 0;
    this.held = [];
    this.settle(this.outstanding);
  }

  private settle(count: number): void {
    this.outstanding = Math.max(0, this.outstanding - count);
    if (this.outstanding > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private schedule(task: Task, delayMs: number): void {
    this.outstanding += 1;
    if (delayMs <= 0) {
      this.queue.push(task);
      void this.pump();
      return;
    }
    void this.options.sleep(delayMs, this.stopping.signal).then(() => {
      if (this.stopped) return;
      this.queue.push(task);
      void this.pump();
    });
  }

  /** Sends one delivery at a time, so the default order is the order of creation. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let task = this.queue.shift(); task && !this.stopped; task = this.queue.shift()) {
        const ok = await this.attempt(task);
        if (this.stopped) return;
        const wait = this.options.retryDelaysMs[task.attempt - 1];
        if (!ok && wait !== undefined) {
          this.outstanding -= 1;
          this.schedule(task, wait);
        } else {
          this.settle(1);
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private async attempt(task: Task): Promise<boolean> {
    task.attempt += 1;
    const signature = this.sign(task.payload);
    const record: WebhookAttempt = { eventId: task.event.id, type: task.event.type, url: task.url, attempt: task.attempt, status: null, signature, payload: task.payload };
    this.attempts.push(record);
    try {
      const res = await fetch(task.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature, 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
        body: task.payload,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await res.arrayBuffer();
      record.status = res.status;
      const ok = res.status >= 200 && res.status < 300;
      if (ok && task.event.pending_webhooks > 0) task.event.pending_webhooks -= 1;
      return ok;
    } catch (err) {
      record.error = (err as Error).message;
      return false;
    }
  }
}

export const defaultWebhookOptions = {
  retryDelaysMs: [1_000, 5_000, 30_000, 120_000],
  timeoutMs: 10_000,
  signatureClock: systemClock,
  sleep: (ms: number, signal?: AbortSignal) => systemClock.sleep(ms, signal),
};
