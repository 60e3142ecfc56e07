// Events as an endpoint pinned to an older API version receives them: before 2025-03-31 an invoice names its
// subscription at the top level (no `parent`), a subscription carries its period, and a charge names its invoice.
import type Stripe from 'stripe';
import type { StripeWorld } from './world';

/** The first API version with invoice.parent and per-item billing periods ("basil"). */
export const BASIL = '2025-03-31';

/** True for a version older than 2025-03-31 ("2024-06-20", "2023-10-16", ...). */
export function isPreBasil(apiVersion: string): boolean {
  return apiVersion.slice(0, 10) < BASIL;
}

type Loose = Record<string, unknown>;

function oldInvoice(invoice: Loose): void {
  const parent = invoice.parent as { subscription_details?: { subscription?: unknown } } | null | undefined;
  invoice.subscription ??= parent?.subscription_details?.subscription ?? null;
  delete invoice.parent;
  const lines = invoice.lines as { data?: Loose[] } | undefined;
  for (const line of lines?.data ?? []) delete line.parent;
}

function oldSubscription(sub: Loose): void {
  const item = (sub.items as { data?: Loose[] } | undefined)?.data?.[0];
  sub.current_period_start = item?.current_period_start ?? null;
  sub.current_period_end = item?.current_period_end ?? null;
}

/**
 * The event as an endpoint on `apiVersion` gets it. Only the fields this project reads differ
 * between the versions rendered here; everything else is left as the emulator's version has it.
 */
export function renderEvent(world: StripeWorld, event: Stripe.Event, apiVersion: string): Stripe.Event {
  const copy = JSON.parse(JSON.stringify(event)) as Stripe.Event & { data: { object: Loose } };
  copy.api_version = apiVersion;
  if (!isPreBasil(apiVersion)) return copy;
  const object = copy.data.object;
  if (object.object === 'invoice') oldInvoice(object);
  else if (object.object === 'subscription') oldSubscription(object);
  else if (object.object === 'charge' && typeof object.id === 'string') object.invoice = world.store.charges.get(object.id)?.invoice ?? null;
  return copy;
}
