// The whole service for tests: the real wiring on an in-memory database, its bot and Stripe client pointed at the Telegram and Stripe emulators.
import { DEFAULT_PLANS, type PlansConfig } from '../../core/plans';
import { JumpingClock } from '../../core/testing/jumping-clock';
import { recordingLogger } from '../../core/testing/logger';
import { createPlanChannels } from '../../sandbox';
import type { StripeEmulator } from '../../sandbox/stripe';
import { startTelegramEmulator, type TelegramEmulator } from '../../sandbox/telegram';
import { withDemoChannel } from '../adapters/demo-channel';
import type { Service } from '../service';
import { buildWorldService, startWorldStripe, worldConfig, type WorldOptions } from './world-parts';

/** The built-in plans as the sandbox runs them (VIP gates the demo channel), VIP without a trial, so the first payment is at checkout. */
export const WORLD_PLANS: PlansConfig = withDemoChannel({ ...DEFAULT_PLANS, plans: DEFAULT_PLANS.plans.map((p) => (p.id === 'vip' ? { ...p, trialDays: 0 } : p)) });
/** The operator's Telegram user id. */
export const WORLD_OPERATOR = 900;
/** The limits are not what these tests are about: high enough that a fake clock never waits on them. */
const WIDE = { limit: 10_000, windowMs: 1000 };

export interface ServiceWorld {
  clock: JumpingClock;
  tg: TelegramEmulator;
  stripe: StripeEmulator;
  service: Service;
  url: string;
}

/** The Telegram world runs its own plans (WORLD_PLANS). */
export type ServiceWorldOptions = Omit<WorldOptions, 'plans'>;

/**
 * Starts both emulators and the service on them; each stop is pushed on `running` (run them in
 * reverse). Stripe never redelivers a webhook, so a webhook answered late stays failed and a test sees it.
 */
export async function startServiceWorld(running: (() => Promise<void>)[], options: ServiceWorldOptions): Promise<ServiceWorld> {
  const clock = new JumpingClock(Date.UTC(2026, 2, 2, 9, 0, 0));
  const tg = await startTelegramEmulator({ clock, limits: { overall: WIDE, perChat: WIDE, perGroup: WIDE } });
  running.push(() => tg.stop());
  createPlanChannels(tg, WORLD_PLANS);
  const stripe = await startWorldStripe(running, clock, WORLD_PLANS, options.webhookTimeoutMs);
  const config = worldConfig(stripe, options.signingSecret, '0', {
    TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot, TELEGRAM_OPERATOR_IDS: String(WORLD_OPERATOR),
    TELEGRAM_RATE_OVERALL: '10000/1s', TELEGRAM_RATE_PER_CHAT: '10000/1s', TELEGRAM_RATE_PER_GROUP: '10000/1s',
  }, options.settings);
  const service = buildWorldService(running, { config, logger: recordingLogger(), clock, plans: WORLD_PLANS, accessJobs: options.accessJobs });
  const url = await service.start();
  stripe.setWebhookUrl(`${url}/webhooks/stripe`);
  return { clock, tg, stripe, service, url };
}
