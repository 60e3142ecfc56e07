// The whole service on Discord for tests: the real wiring on an in-memory database, discord.js on the Discord emulator's REST and gateway, stripe-node on the Stripe emulator.
import { ApplicationCommandOptionType, type APIMessage } from 'discord-api-types/v10';
import { CARD_OK } from '../../billing/testing/harness';
import { DISCORD_DEMO_ROLE } from '../../bots/discord/plan-access';
import { DEFAULT_PLANS, type PlansConfig } from '../../core/plans';
import { JumpingClock } from '../../core/testing/jumping-clock';
import { recordingLogger } from '../../core/testing/logger';
import { until } from '../../core/testing/until';
import { attachGateway, createDemoGuild, DEMO_GUILD, startDiscordEmulator, type DiscordEmulator, type DiscordGateway, type GuildView } from '../../sandbox/discord';
import { buildWorldService, startWorldStripe, worldConfig, type WorldOptions, type WorldParts } from './world-parts';

export { createDemoGuild, DEMO_GUILD } from '../../sandbox/discord';

/** The built-in plans with VIP (no trial: the first payment is at checkout) giving the demo server's VIP role, which opens #vip-signals. */
export const DISCORD_WORLD_PLANS: PlansConfig = {
  ...DEFAULT_PLANS,
  plans: DEFAULT_PLANS.plans.map((p) => (p.id === 'vip' ? { ...p, trialDays: 0, access: [DISCORD_DEMO_ROLE] } : p)),
};

/** The limits are not what these tests are about: high enough that nothing waits on them. */
const WIDE = '10000/1s';

export interface DiscordServiceWorld extends WorldParts {
  discord: DiscordEmulator;
  gateway: DiscordGateway;
  /** The demo server: #general and #vip-signals, roles Free < VIP < Admin (Admin above the bot's role, as a server's own admins are). */
  guild: GuildView;
  /** The operator's Discord user id (DISCORD_OPERATOR_IDS), a member of the server. */
  operatorId: string;
}

export interface DiscordServiceWorldOptions extends WorldOptions {
  /** Start the service (default true); false leaves `service` built but not started, e.g. to start it while Discord is down. */
  start?: boolean | undefined;
}

/** The Discord emulator on `clock` with its gateway and the demo server; its stop is pushed on `running`. */
export async function startDemoDiscord(clock: JumpingClock, running: (() => Promise<void>)[]): Promise<{ discord: DiscordEmulator; gateway: DiscordGateway; guild: GuildView }> {
  const discord = await startDiscordEmulator({ clock });
  const gateway = attachGateway(discord, { heartbeatIntervalMs: 30_000 });
  running.push(async () => {
    await gateway.close();
    await discord.stop();
  });
  return { discord, gateway, guild: createDemoGuild(discord) };
}

/**
 * Starts the Discord emulator with its gateway, the demo server and the Stripe emulator, and the
 * service on them (Discord only, no Telegram); each stop is pushed on `running` (run them in reverse).
 */
export async function startDiscordServiceWorld(running: (() => Promise<void>)[], options: DiscordServiceWorldOptions): Promise<DiscordServiceWorld> {
  const clock = new JumpingClock(Date.UTC(2026, 2, 2, 9, 0, 0));
  const plans = options.plans ?? DISCORD_WORLD_PLANS;
  const { discord, gateway, guild } = await startDemoDiscord(clock, running);
  const operatorId = discord.memberJoins(guild.id, { username: 'operator' });
  const stripe = await startWorldStripe(running, clock, plans, options.webhookTimeoutMs);
  const config = worldConfig(stripe, options.signingSecret, '0', {
    DISCORD_BOT_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl, DISCORD_OPERATOR_IDS: operatorId,
    DISCORD_RATE_OVERALL: WIDE, DISCORD_RATE_PER_CHAT: WIDE, DISCORD_RATE_PER_GROUP: WIDE,
  }, options.settings);
  const logger = recordingLogger();
  const service = buildWorldService(running, { config, logger, clock, plans, accessJobs: options.accessJobs });
  const url = options.start === false ? '' : await service.start();
  if (url) stripe.setWebhookUrl(`${url}/webhooks/stripe`);
  return { clock, discord, gateway, guild, operatorId, stripe, service, url, logger, config, plans };
}

/** A member runs a slash command in #general (its text option `args` when given) and gets the bot's first answer. */
export async function runDiscordCommand(w: DiscordServiceWorld, userId: string, name: string, args?: string): Promise<APIMessage> {
  const options = args === undefined ? undefined : [{ name: 'args', type: ApplicationCommandOptionType.String as const, value: args }];
  const interaction = w.discord.runCommand({ guildId: w.guild.id, userId, channelId: w.guild.channels.general!, name, ...(options ? { options } : {}) });
  return until(() => interaction.original, `the answer to /${name}`);
}

/** The link buttons' URLs under a message. */
export function linkButtons(message: APIMessage): string[] {
  const children = (message.components ?? []).flatMap((row): unknown[] => ('components' in row ? row.components : []));
  return children.flatMap((c) => {
    const url = (c as { url?: unknown }).url;
    return typeof url === 'string' ? [url] : [];
  });
}

/** Pays on the Stripe emulator's hosted checkout page as a browser would (GET the page, POST its form with a test card). */
export async function payAtCheckout(checkoutUrl: string, email = 'member@example.com'): Promise<Response> {
  const page = await fetch(checkoutUrl);
  const action = /<form method="post" action="([^"]+)"/.exec(await page.text())?.[1];
  if (!action) throw new Error(`no payment form at ${checkoutUrl} (${page.status})`);
  const body = new URLSearchParams({ email, card_number: CARD_OK, card_expiry: '12 / 34', card_cvc: '123', name: 'Member' });
  return fetch(new URL(action, checkoutUrl), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString(), redirect: 'manual' });
}

/** `/subscribe vip`, then pay at the checkout link the answer carries; resolves once the member holds the VIP role. */
export async function subscribeAndPay(w: DiscordServiceWorld, userId: string): Promise<void> {
  const offer = await runDiscordCommand(w, userId, 'subscribe', 'vip');
  const checkout = linkButtons(offer).find((u) => u.startsWith(w.stripe.url));
  if (!checkout) throw new Error(`no checkout link in the answer to /subscribe vip: ${offer.content}`);
  await payAtCheckout(checkout);
  await until(() => (w.discord.memberRoles(w.guild.id, userId)?.includes(DEMO_GUILD.vipRole) ? true : undefined), 'the VIP role');
}
