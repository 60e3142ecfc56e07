// The emulated Stripe account: state, simulated time and settings, plus the event log. Every change
// runs inside `run()`, which collects the events it causes and hands them to webhook delivery as one batch.
import type Stripe from 'stripe';
import type { EmulatorClock } from './clock';
import { stripeId } from './ids';
import { buildEvent, type EventObject, type EventType } from './objects/event';
import { StripeStore } from './store';

/** How failed renewals are retried: the wait after each failure, then the status once they run out. */
export interface RetrySchedule {
  delaysMs: number[];
  finalStatus: 'unpaid' | 'canceled';
}

export interface WorldSettings {
  apiVersion: string;
  retry: RetrySchedule;
  /** How long an open Checkout Session lives unless `expires_at` says otherwise. */
  checkoutTtlSeconds: number;
  /** The emulator's own address, for hosted page URLs. */
  baseUrl: () => string;
  /** Webhook endpoints that will receive each event (Stripe's `pending_webhooks`). */
  endpointCount: () => number;
}

/** What started a change: an API request (with its id and Idempotency-Key), or the passing of time. */
export interface Cause {
  requestId: string | null;
  idempotencyKey: string | null;
}

const AUTOMATIC: Cause = { requestId: null, idempotencyKey: null };

/** A deep copy through JSON, which is also what the wire carries (decimals become strings). */
export function snapshot<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export class StripeWorld {
  readonly store = new StripeStore();
  private batch: Stripe.Event[] | undefined;
  private cause: Cause = AUTOMATIC;

  constructor(
    readonly clock: EmulatorClock,
    readonly settings: WorldSettings,
    private readonly publish: (events: Stripe.Event[]) => void,
  ) {}

  now(): number {
    return this.clock.nowSec();
  }

  /** Runs one change; the events it emits are published together when it finishes. */
  run<T>(fn: () => T, cause: Cause = AUTOMATIC): T {
    if (this.batch) return fn();
    this.batch = [];
    this.cause = cause;
    try {
      return fn();
    } finally {
      const events = this.batch;
      this.batch = undefined;
      this.cause = AUTOMATIC;
      if (events.length > 0) this.publish(events);
    }
  }

  /** Records an event around a snapshot of `object` as it is now. */
  emit<T extends EventType>(type: T, object: EventObject<T>, previousAttributes?: Record<string, unknown>): Stripe.Event {
    const event = buildEvent({
      id: stripeId('evt'),
      type,
      created: this.now(),
      apiVersion: this.settings.apiVersion,
      object: snapshot(object),
      previousAttributes: previousAttributes ? snapshot(previousAttributes) : undefined,
      request: { id: this.cause.requestId, idempotencyKey: this.cause.idempotencyKey },
      pendingWebhooks: this.settings.endpointCount(),
    });
    this.store.events.set(event.id, event);
    if (this.batch) this.batch.push(event);
    else this.publish([event]);
    return event;
  }
}
