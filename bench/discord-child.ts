// The Discord side of the emulators child: the Discord emulator with its gateway and the bench's server, what it saw, and when each paid member got the role.
import type Stripe from 'stripe';
import { attachGateway, startDiscordEmulator, type DiscordEmulator, type DiscordGateway, type DiscordLimits, type Injected429 } from '../sandbox/discord';
import type { StripeEmulator } from '../sandbox/stripe';

/** The bench's server: fixed ids, so that the plans file can name them before anything starts. */
export interface BenchGuild {
  guildId: string;
  roleId: string;
  /** The gated channels, in order. */
  channelIds: string[];
}

export interface DiscordStart {
  guild: BenchGuild;
  limits?: Partial<DiscordLimits>;
  /** 429s answered on purpose (e.g. a share of the message sends). */
  inject429?: Injected429;
}

/** What the Discord emulator saw, computed in the child. */
export interface DiscordSummary {
  /** Every REST request below /api/v10: arrival time, "METHOD /path" with ids generalized, status; a message post says whether it went to a DM. */
  requests: { at: number; route: string; status: number | undefined; dm?: boolean }[];
  /** Messages per gated channel id. */
  channelMessages: [channelId: string, messages: number][];
  /** Messages per user id, in their DM channels. */
  dmMessages: [userId: string, messages: number][];
  stats: { invalidRequests: number; limited: Record<string, number>; injected: number; requests: number };
  identifies: number;
  cpuMs: number;
}

/** One paid member's timeline, in ms since the epoch (null: not seen). */
export interface PaymentTimeline {
  userId: string;
  paidAt: number;
  /** The first webhook attempt about this member's customer. */
  firstWebhookAt: number | null;
  roleAt: number | null;
}

let discord: DiscordEmulator | undefined;
let gateway: DiscordGateway | undefined;
let guild: BenchGuild | undefined;
/** When each user first held the gated role (GUILD_MEMBER_UPDATE). */
const roleAt = new Map<string, number>();
/** When a webhook about each Stripe customer first went out. */
const webhookAt = new Map<string, number>();
const customerOf = new Map<string, string>();
const paidAt = new Map<string, number>();

export async function startDiscord(start: DiscordStart): Promise<{ token: string; apiUrl: string }> {
  discord = await startDiscordEmulator({ limits: start.limits });
  gateway = attachGateway(discord, { heartbeatIntervalMs: 30_000 });
  guild = start.guild;
  const names = start.guild.channelIds.map((_, i) => `signals-${i + 1}`);
  const view = discord.createGuild({
    name: 'Bench Room',
    channels: names,
    roles: ['VIP'],
    ids: { guild: start.guild.guildId, roles: { VIP: start.guild.roleId }, channels: Object.fromEntries(names.map((n, i) => [n, start.guild.channelIds[i]!])) },
  });
  if (view.roles.VIP !== start.guild.roleId) throw new Error('the bench server did not get the VIP role id asked for');
  discord.onDispatch((type, data) => {
    if (type !== 'GUILD_MEMBER_UPDATE') return;
    const member = data as { user: { id: string }; roles: string[] };
    if (member.roles.includes(start.guild.roleId) && !roleAt.has(member.user.id)) roleAt.set(member.user.id, Date.now());
  });
  if (start.inject429) discord.inject429(start.inject429);
  return { token: discord.token, apiUrl: discord.apiUrl };
}

/** `count` people join the bench server; returns their user ids. */
export function membersJoin(count: number): string[] {
  if (!discord || !guild) throw new Error('the Discord emulator is not started');
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(discord.memberJoins(guild.guildId, { username: `member${i}` }));
  return ids;
}

/** Stamps the first webhook attempt about each customer, as the Stripe emulator starts it. */
export function watchWebhooks(stripe: StripeEmulator): void {
  const attempts = stripe.webhooks.attempts;
  const push = attempts.push.bind(attempts);
  attempts.push = (...items) => {
    const now = Date.now();
    for (const item of items) {
      const object = (JSON.parse(item.payload) as Stripe.Event).data.object as { object?: string; id?: string; customer?: unknown };
      const customer = object.object === 'customer' ? object.id : typeof object.customer === 'string' ? object.customer : undefined;
      if (customer && !webhookAt.has(customer)) webhookAt.set(customer, now);
    }
    return push(...items);
  };
}

/** Pays the given Checkout Sessions (user id → session id) one right after another, as a burst of customers would. */
export function payAll(stripe: StripeEmulator, sessions: [userId: string, sessionId: string][]): void {
  for (const [userId, sessionId] of sessions) {
    paidAt.set(userId, Date.now());
    const result = stripe.completeCheckout(sessionId, { card: '4242424242424242', email: `${userId}@bench.invalid` });
    if (!result.ok) throw new Error(`checkout ${sessionId} failed: ${result.message}`);
    customerOf.set(userId, result.customer.id);
  }
}

export function timelines(userIds: string[]): PaymentTimeline[] {
  return userIds.map((userId) => {
    const customer = customerOf.get(userId);
    return { userId, paidAt: paidAt.get(userId) ?? NaN, firstWebhookAt: (customer === undefined ? undefined : webhookAt.get(customer)) ?? null, roleAt: roleAt.get(userId) ?? null };
  });
}

/** "POST /channels/:id/messages" from "POST /api/v10/channels/123/messages". */
function routeOf(method: string, path: string): string {
  return `${method} ${path.replace(/^\/api\/v10/, '').replace(/\/\d{15,}/g, '/:id')}`;
}

export function discordSummary(): DiscordSummary {
  if (!discord || !guild) throw new Error('the Discord emulator is not started');
  const state = discord.state;
  const gated = new Set(guild.channelIds);
  const channelMessages: [string, number][] = [];
  for (const id of gated) channelMessages.push([id, state.messages.get(id)?.length ?? 0]);
  const dmMessages: [string, number][] = [];
  for (const [userId, channel] of state.dmChannels) dmMessages.push([userId, state.messages.get(channel.id)?.length ?? 0]);
  const requests = discord.server.requests.filter((r) => r.path.startsWith('/api/v10/')).map((r) => {
    const route = routeOf(r.method, r.path);
    const channel = route === 'POST /channels/:id/messages' ? r.path.split('/')[4] : undefined;
    return { at: r.at, route, status: r.status, ...(channel ? { dm: !gated.has(channel) } : {}) };
  });
  const cpu = process.cpuUsage();
  return { requests, channelMessages, dmMessages, stats: discord.stats(), identifies: gateway?.stats.identifies ?? 0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

export async function stopDiscord(): Promise<void> {
  await gateway?.close();
  await discord?.stop();
}
