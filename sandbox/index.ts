// Sandbox mode: without platform tokens or a Stripe key, start the emulators on loopback and point the real clients at them.
import { randomBytes } from 'node:crypto';
import { STRIPE_WEBHOOK_PATH } from '../billing/webhook-route';
import type { Config } from '../config';
import { systemClock, type Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { PlansConfig } from '../core/plans';
import { startConsole, TelegramSection, type SandboxConsole } from './console';
import { createPlanChannels, stripePlanPrices } from './register';
import { startStripeEmulator, type StripeEmulator } from './stripe';
import { startTelegramEmulator, type TelegramEmulator, type TelegramLimits } from './telegram';

export { createPlanChannels, stripePlanPrices } from './register';

export interface SandboxOptions {
  config: Config;
  plans: PlansConfig;
  logger: Logger;
  /** Simulated time for both emulators; the system clock by default. */
  clock?: Clock | undefined;
  telegramLimits?: Partial<TelegramLimits> | undefined;
}

/** The emulators started, and the settings that point the real clients at them. */
export interface Sandbox {
  /** The settings with the emulators' token, keys and URLs filled in. */
  readonly config: Config;
  readonly telegram: TelegramEmulator | null;
  readonly stripe: StripeEmulator | null;
  /** The console page where a person acts as a subscriber (runs with the Telegram emulator). */
  readonly console: SandboxConsole | null;
  /** `http://127.0.0.1:<port>/`, or null without the Telegram emulator. */
  readonly consoleUrl: string | null;
  /** Once the service listens: Stripe's webhooks go to `<serviceUrl>/webhooks/stripe`, and the console shows how to publish to it. */
  attach(serviceUrl: string): void;
  stop(): Promise<void>;
}

/**
 * Which emulators these settings call for: none once a real platform token is set (then a missing
 * STRIPE_SECRET_KEY means payments are off, never a local Stripe real subscribers could be sent to);
 * in sandbox mode Telegram, and Stripe unless STRIPE_SECRET_KEY is set.
 */
export function sandboxNeeds(config: Config): { telegram: boolean; stripe: boolean } {
  if (!config.sandbox) return { telegram: false, stripe: false };
  return { telegram: !config.telegram.token, stripe: !config.stripe.secretKey };
}

/**
 * Starts the emulators the settings call for (see sandboxNeeds), creates the plans' private
 * channels with the bot as administrator, and returns settings that point grammy and stripe-node
 * at them, with a fresh webhook signing secret. Everything listens on 127.0.0.1 only.
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const { plans } = options;
  const logger = options.logger.child({ component: 'sandbox' });
  const clock = options.clock ?? systemClock;
  const needs = sandboxNeeds(options.config);
  let config = options.config;
  let telegram: TelegramEmulator | null = null;
  let stripe: StripeEmulator | null = null;
  let consolePage: SandboxConsole | null = null;
  try {
    if (needs.telegram) {
      telegram = await startTelegramEmulator({ clock, limits: options.telegramLimits });
      const channels = createPlanChannels(telegram, plans);
      config = { ...config, telegram: { ...config.telegram, token: telegram.token, apiRoot: telegram.apiRoot } };
      logger.info({ telegram: telegram.apiRoot, channels }, `sandbox: Telegram emulator at ${telegram.apiRoot} (bot @signalcast_bot${channels.length ? `, private channels ${channels.map((c) => c.chatId).join(', ')}` : ''})`);
      const titled = channels.map((c) => ({ chatId: Number(c.chatId), title: `${plans.plans.find((p) => p.id === c.planId)?.name ?? c.planId} signals` }));
      consolePage = await startConsole({ sections: [new TelegramSection({ emulator: telegram, channels: titled })] });
      logger.info({ console: `${consolePage.url}/` }, `sandbox: console at ${consolePage.url}/`);
    }
    if (needs.stripe) {
      stripe = await startStripeEmulator({
        clock,
        plans: stripePlanPrices(plans),
        webhookSecret: `whsec_${randomBytes(24).toString('hex')}`,
        ...(clock === systemClock ? { tickIntervalMs: 5_000 } : { signatureClock: clock }),
      });
      config = { ...config, stripe: { secretKey: stripe.secretKey, apiBase: stripe.url, webhookSecret: stripe.webhookSecret } };
      const why = options.config.sandbox ? '' : ' (STRIPE_SECRET_KEY is not set: payments go to the emulator and no money moves)';
      logger.info({ stripe: stripe.url }, `sandbox: Stripe emulator at ${stripe.url}; its checkout and portal pages are there${why}`);
    }
  } catch (err) {
    await Promise.allSettled([consolePage?.stop(), telegram?.stop(), stripe?.stop()]);
    throw err;
  }
  const started = { telegram, stripe, console: consolePage, consoleUrl: consolePage ? `${consolePage.url}/` : null };
  return {
    config,
    ...started,
    attach(serviceUrl) {
      consolePage?.setServiceUrl(serviceUrl);
      if (!stripe) return;
      const webhookUrl = `${serviceUrl.replace(/\/+$/, '')}${STRIPE_WEBHOOK_PATH}`;
      stripe.setWebhookUrl(webhookUrl);
      logger.info({ webhookUrl }, `sandbox: the Stripe emulator sends its webhooks to ${webhookUrl}`);
    },
    async stop() {
      await Promise.allSettled([consolePage?.stop(), telegram?.stop(), stripe?.stop()]);
    },
  };
}
