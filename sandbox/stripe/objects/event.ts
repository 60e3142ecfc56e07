// Builds a Stripe Event around a snapshot of the object that changed.
import type Stripe from 'stripe';

export type EventType = Stripe.Event['type'];
export type EventOf<T extends EventType> = Extract<Stripe.Event, { type: T }>;
export type EventObject<T extends EventType> = EventOf<T>['data']['object'];

export interface EventFields<T extends EventType> {
  id: string;
  type: T;
  created: number;
  apiVersion: string;
  object: EventObject<T>;
  previousAttributes?: Record<string, unknown> | undefined;
  request: { id: string | null; idempotencyKey: string | null };
  pendingWebhooks: number;
}

export function buildEvent<T extends EventType>(f: EventFields<T>): EventOf<T> {
  const base = {
    id: f.id,
    object: 'event',
    api_version: f.apiVersion,
    created: f.created,
    livemode: false,
    pending_webhooks: f.pendingWebhooks,
    request: { id: f.request.id, idempotency_key: f.request.idempotencyKey },
  } satisfies Omit<Stripe.EventBase, 'type' | 'data'>;
  const data = f.previousAttributes ? { object: f.object, previous_attributes: f.previousAttributes } : { object: f.object };
  // The union of 270 event types cannot be narrowed from a generic literal; the parameters are typed per event.
  return { ...base, type: f.type, data } as unknown as EventOf<T>;
}
