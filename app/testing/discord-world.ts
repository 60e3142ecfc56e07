// The whole service on Discord for tests: the real wiring on an in-memory database, discord.js on the Discord emulator's REST and gateway, stripe-node on the Stripe emulator.
import { DISCORD_DEMO_ROLE } from '../../bots/discord/plan-access';
import { loadConfig, type Config } from '../../config';
import { DEFAULT_PLANS, type PlansConfig } from '../../core/plans';
import { JumpingClock } from '../../core/testing/jumping-clock';
import { recordingLogger } from '../../core/testing/logger';
import { openMemoryDatabase } from '../../db/client';
import { idleCron } from '../../schedules/testing/idle-cron';
import { stripePlanPrices } from '../../sandbox';
import { attachGateway, startDiscordEmulator, type DiscordEmulator, type DiscordGateway, type GuildView } from '../../sandbox/discord';
import { startStripeEmulator, type StripeEmulator } from '../../sandbox/stripe';
import { createService, type Service, type ServiceOptions } from '../service';

/** The built-in plans with VIP (no trial: the first payment is at checkout) giving the demo server's VIP role, which opens #vip-signals. */
export const DISCORD_WORLD_PLANS: PlansConfig = {
  ...DEFAULT_PLANS,
  plans: DEFAULT_PLANS.plans.map((p) => (p.id === 'vip' ? { ...p, trialDays: 0, access: [DISCORD_DEMO_ROLE] } : p)),
};

/** The demo server's fixed ids (the ones DISCORD_DEMO_ROLE names). */
export const DEMO_GUILD = { id: DISCORD_DEMO_ROLE.tenant!, vipRole: DISCORD_DEMO_ROLE.id, vipChannel: DISCORD_DEMO_ROLE.channels![0]! };

/** The limits are not what these tests are about: high enough that nothing waits on them. */
const WIDE = '10000/1s';

export interface DiscordServiceWorld {
  clock: JumpingClock;
  discord: DiscordEmulator;
  gateway: DiscordGateway;
  /** The demo server: #general and #vip-signals, roles Free < VIP < Admin (Admin above the bot's role, as a server's own admins are). */
  guild: GuildView;
  /** The operator's Discord user id (DISCORD_OPERATOR_IDS), a member of the server. */
  operatorId: string;
  stripe: StripeEmulator;
  service: Service;
  url: string;
  logger: ReturnType<typeof recordingLogger>;
  /** The settings and plans the service was built with, to build it again on the same database (a restart). */
  config: Config;
  plans: PlansConfig;
}

export interface DiscordServiceWorldOptions {
  signingSecret: string;
  plans?: PlansConfig | undefined;
  /** More settings, e.g. SHUTDOWN_TIMEOUT_MS or DISCORD_REMOVE_UNMANAGED_HOLDERS. */
  settings?: Record<string, string> | undefined;
  accessJobs?: ServiceOptions['accessJobs'];
  /** How long the Stripe emulator waits for a webhook's answer before it counts as failed (its default: 10 s). */
  webhookTimeoutMs?: number | undefined;
  /** Start the service (default true); false leaves `service` built but not started, e.g. to start it while Discord is down. */
  start?: boolean | undefined;
}

/** The demo server with the ids the demo plan names: the VIP role under the bot's, an Admin role above it. */
export function createDemoGuild(discord: DiscordEmulator): GuildView {
  const guild = discord.createGuild({
    name: 'Signal Room',
    channels: ['general', 'vip-signals'],
    roles: ['Free', 'VIP', 'Admin'],
    ids: { guild: DEMO_GUILD.id, roles: { VIP: DEMO_GUILD.vipRole }, channels: { 'vip-signals': DEMO_GUILD.vipChannel } },
  });
  discord.moveRoleAboveBot(guild.id, guild.roles.Admin!);
  return guild;
}

/**
 * Starts the Discord emulator with its gateway, the demo server and the Stripe emulator, and the
 * service on them (Discord only, no Telegram); each stop is pushed on `running` (run them in reverse).
 */
export async function startDiscordServiceWorld(running: (() => Promise<void>)[], options: DiscordServiceWorldOptions): Promise<DiscordServiceWorld> {
  const clock = new JumpingClock(Date.UTC(2026, 2, 2, 9, 0, 0));
  const plans = options.plans ?? DISCORD_WORLD_PLANS;
  const discord = await startDiscordEmulator({ clock });
  const gateway = attachGateway(discord, { heartbeatIntervalMs: 30_000 });
  running.push(async () => {
    await gateway.close();
    await discord.stop();
  });
  const guild = createDemoGuild(discord);
  const operatorId = discord.memberJoins(guild.id, { username: 'operator' });
  const stripe = await startStripeEmulator({ clock, signatureClock: clock, plans: stripePlanPrices(plans), webhooks: { retryDelaysMs: [], ...(options.webhookTimeoutMs ? { timeoutMs: options.webhookTimeoutMs } : {}) } });
  running.push(() => stripe.stop());
  const config = loadConfig({
    PORT: '0', HOST: '127.0.0.1', INGEST_SIGNING_SECRET: options.signingSecret, LOG_LEVEL: 'silent',
    DISCORD_BOT_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl, DISCORD_OPERATOR_IDS: operatorId,
    DISCORD_RATE_OVERALL: WIDE, DISCORD_RATE_PER_CHAT: WIDE, DISCORD_RATE_PER_GROUP: WIDE,
    STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_API_BASE: stripe.url, STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
    ...options.settings,
  });
  const logger = recordingLogger();
  const service = createService({ config, logger, clock, db: openMemoryDatabase(), plans, cron: idleCron, accessJobs: options.accessJobs });
  running.push(async () => {
    await service.stop();
    service.db.$client.close();
  });
  const url = options.start === false ? '' : await service.start();
  if (url) stripe.setWebhookUrl(`${url}/webhooks/stripe`);
  return { clock, discord, gateway, guild, operatorId, stripe, service, url, logger, config, plans };
}
