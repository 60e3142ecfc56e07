// The Stripe emulator's public surface: start it, point stripe-node at it, drive it.
import type Stripe from 'stripe';
import type { StripeEmulator } from './server';

export { startStripeEmulator, type StripeEmulator, type StripeEmulatorOptions } from './server';
export type { PlanPrice } from './routes/catalog';
export type { CheckoutPayment, CheckoutResult } from './checkout';
export type { WebhookAttempt, WebhookBehaviour } from './webhooks';
export type { RetrySchedule } from './world';
export { DriverError } from './drivers';
export { signPayload } from './webhooks';

/** Options for `new Stripe(emulator.secretKey, options)` so the real client talks to the emulator. */
export function stripeClientOptions(emulator: Pick<StripeEmulator, 'host' | 'port'>, extra: Stripe.StripeConfig = {}): Stripe.StripeConfig {
  return { host: emulator.host, port: emulator.port, protocol: 'http', ...extra };
}
