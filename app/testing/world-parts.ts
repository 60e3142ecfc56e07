// What the whole-service test worlds (Telegram, Discord, Slack) build alike: the Stripe emulator, the
// settings every service gets, and the service on an in-memory database; each world adds its platform.
import { loadConfig, type Config } from '../../config';
import type { PlansConfig } from '../../core/plans';
import type { JumpingClock } from '../../core/testing/jumping-clock';
import type { recordingLogger } from '../../core/testing/logger';
import { openMemoryDatabase } from '../../db/client';
import { idleCron } from '../../schedules/testing/idle-cron';
import { stripePlanPrices } from '../../sandbox';
import { startStripeEmulator, type StripeEmulator } from '../../sandbox/stripe';
import { loadAllLibraries } from './all-libraries';
import { createService, type Service, type ServiceOptions } from '../service';

// The worlds below compose the service synchronously: every library it may load is imported first.
await loadAllLibraries();

/** What a platform's world holds besides the platform: the test's clock, the Stripe emulator, and the service with its log. */
export interface WorldParts {
  clock: JumpingClock;
  stripe: StripeEmulator;
  service: Service;
  url: string;
  logger: ReturnType<typeof recordingLogger>;
  /** The settings and plans the service was built with, to build it again on the same database (a restart). */
  config: Config;
  plans: PlansConfig;
}

/** What a platform's world is started with. */
export interface WorldOptions {
  signingSecret: string;
  plans?: PlansConfig | undefined;
  /** More settings, e.g. SHUTDOWN_TIMEOUT_MS, a platform's own, or another platform's. */
  settings?: Record<string, string> | undefined;
  accessJobs?: ServiceOptions['accessJobs'];
  /** How long the Stripe emulator waits for a webhook's answer before it counts as failed (its default: 10 s). */
  webhookTimeoutMs?: number | undefined;
}

/**
 * The Stripe emulator on `clock` selling `plans`; it never redelivers a webhook, so a webhook answered
 * late (after `webhookTimeoutMs`, its default 10 s) stays failed and a test sees it. Its stop is pushed on `running`.
 */
export async function startWorldStripe(running: (() => Promise<void>)[], clock: JumpingClock, plans: PlansConfig, webhookTimeoutMs?: number): Promise<StripeEmulator> {
  const webhooks = { retryDelaysMs: [], ...(webhookTimeoutMs ? { timeoutMs: webhookTimeoutMs } : {}) };
  const stripe = await startStripeEmulator({ clock, signatureClock: clock, plans: stripePlanPrices(plans), webhooks });
  running.push(() => stripe.stop());
  return stripe;
}

/** A world's settings: on 127.0.0.1 at `port`, silent, signing ingest with `signingSecret`, billing on `stripe`; then the platform's, then the test's own. */
export function worldConfig(stripe: StripeEmulator, signingSecret: string, port: string, platform: Record<string, string>, settings?: Record<string, string>): Config {
  return loadConfig({
    PORT: port, HOST: '127.0.0.1', INGEST_SIGNING_SECRET: signingSecret, LOG_LEVEL: 'silent',
    STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_API_BASE: stripe.url, STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
    ...platform,
    ...settings,
  });
}

export interface WorldServiceOptions {
  config: Config;
  logger: ReturnType<typeof recordingLogger>;
  clock: JumpingClock;
  plans: PlansConfig;
  accessJobs?: ServiceOptions['accessJobs'] | undefined;
}

/**
 * The service built (not started) on a fresh in-memory database with no cron; its stop, which closes the database, is pushed on `running`.
 * At that stop it fails the test if any delivery row lacks its platform: the dispatcher walks one platform at a time, so
 * such a row would never be sent, and every writer of the outbox that the test ran is checked.
 */
export function buildWorldService(running: (() => Promise<void>)[], options: WorldServiceOptions): Service {
  const service = createService({ ...options, db: openMemoryDatabase(), cron: idleCron });
  running.push(async () => {
    await service.stop();
    const kinds = service.db.$client.prepare('SELECT DISTINCT kind FROM deliveries WHERE platform IS NULL').pluck().all();
    service.db.$client.close();
    if (kinds.length > 0) throw new Error(`delivery rows written without their platform (kinds: ${kinds.join(', ')})`);
  });
  return service;
}
