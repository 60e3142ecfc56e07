// The whole service on Telegram and Discord at once, for tests of what crosses apps (linking): both emulators, the Discord gateway and demo server, Stripe, one service with both tokens.
import { loadConfig } from '../../config';
import { JumpingClock } from '../../core/testing/jumping-clock';
import { recordingLogger } from '../../core/testing/logger';
import { openMemoryDatabase } from '../../db/client';
import { idleCron } from '../../schedules/testing/idle-cron';
import { createPlanChannels, stripePlanPrices } from '../../sandbox';
import type { DiscordEmulator, GuildView } from '../../sandbox/discord';
import { startStripeEmulator, type StripeEmulator } from '../../sandbox/stripe';
import { startTelegramEmulator, type TelegramEmulator } from '../../sandbox/telegram';
import { loadAllLibraries } from './all-libraries';
import { createService, type Service } from '../service';
import { startDemoDiscord } from './discord-world';
import { WORLD_OPERATOR, WORLD_PLANS } from './service-world';

// The worlds below compose the service synchronously: every library it may load is imported first.
await loadAllLibraries();

export interface TwoAppWorld {
  clock: JumpingClock;
  tg: TelegramEmulator;
  discord: DiscordEmulator;
  /** The Discord demo server (#vip-signals opened by the VIP role). */
  guild: GuildView;
  stripe: StripeEmulator;
  service: Service;
  url: string;
}

/**
 * Starts the Telegram, Discord and Stripe emulators and the service on all three, with the built-in
 * plans as the sandbox runs them (VIP gates the Telegram demo channel and the Discord VIP role); each
 * stop is pushed on `running` (run them in reverse).
 */
export async function startTwoAppWorld(running: (() => Promise<void>)[], options: { signingSecret: string }): Promise<TwoAppWorld> {
  const clock = new JumpingClock(Date.UTC(2026, 2, 2, 9, 0, 0));
  const wide = { limit: 10_000, windowMs: 1000 };
  const tg = await startTelegramEmulator({ clock, limits: { overall: wide, perChat: wide, perGroup: wide } });
  running.push(() => tg.stop());
  createPlanChannels(tg, WORLD_PLANS);
  const { discord, guild } = await startDemoDiscord(clock, running);
  const stripe = await startStripeEmulator({ clock, signatureClock: clock, plans: stripePlanPrices(WORLD_PLANS), webhooks: { retryDelaysMs: [] } });
  running.push(() => stripe.stop());
  const config = loadConfig({
    PORT: '0', HOST: '127.0.0.1', INGEST_SIGNING_SECRET: options.signingSecret, LOG_LEVEL: 'silent',
    TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot, TELEGRAM_OPERATOR_IDS: String(WORLD_OPERATOR),
    TELEGRAM_RATE_OVERALL: '10000/1s', TELEGRAM_RATE_PER_CHAT: '10000/1s', TELEGRAM_RATE_PER_GROUP: '10000/1s',
    DISCORD_BOT_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl,
    DISCORD_RATE_OVERALL: '10000/1s', DISCORD_RATE_PER_CHAT: '10000/1s', DISCORD_RATE_PER_GROUP: '10000/1s',
    STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_API_BASE: stripe.url, STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
  });
  const service = createService({ config, logger: recordingLogger(), clock, db: openMemoryDatabase(), plans: WORLD_PLANS, cron: idleCron });
  running.push(async () => {
    await service.stop();
    service.db.$client.close();
  });
  const url = await service.start();
  stripe.setWebhookUrl(`${url}/webhooks/stripe`);
  return { clock, tg, discord, guild, stripe, service, url };
}
