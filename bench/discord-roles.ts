// Discord payment-to-role benchmark: one payment alone, then 200 at once; time from each payment's webhook to the VIP role on the emulator.
import Stripe from 'stripe';
import { serviceLabel, startBenchService } from './bench-service';
import type { PaymentTimeline } from './discord-child';
import { benchGuild, requestCounts, seedDiscordSubscribers, writeDiscordPlans } from './discord-setup';
import type { EmulatorsProcess } from './emulators-process';
import type { Figure, ScenarioResult } from './report';
import { percentile, round, tempDatabase, until } from './support';

export interface DiscordRolesOptions {
  /** Payments in the burst. */
  payments: number;
  timeoutMs: number;
  nodeArgs?: string[] | undefined;
  entry?: string[] | undefined;
}

export const DISCORD_ROLES_DEFAULTS: DiscordRolesOptions = { payments: 200, timeoutMs: 420_000 };

const GET_MEMBER = 'GET /guilds/:id/members/:user';
/** As in the fan-out: Discord publishes no figure for opening a DM channel (the welcome notice's), so only the global 50/s bounds it. */
const OPEN_DM = { 'POST /users/@me/channels': { limit: 50, windowMs: 1_000 } };
const ADD_ROLE = 'PUT /guilds/:id/members/:user/roles/:role';
/** The member routes lifted far above Discord's, to see what the service itself adds. */
const LIFTED = { limit: 10_000, windowMs: 1_000 };

interface Phase {
  single: PaymentTimeline;
  burst: PaymentTimeline[];
  burstStartedAt: number;
  stats: { invalidRequests: number; limited: Record<string, number>; injected: number };
  requests: Record<string, number>;
  statuses: Record<string, number>;
}

/** Checkout Sessions as the service makes them for /subscribe vip (client_reference_id and metadata name the account). */
async function checkoutSessions(stripeUrl: string, secretKey: string, people: { userId: string; accountId: string }[]): Promise<[string, string][]> {
  const url = new URL(stripeUrl);
  const stripe = new Stripe(secretKey, { host: url.hostname, port: Number(url.port), protocol: 'http' });
  const out: [string, string][] = [];
  for (const p of people) {
    const metadata = { accountId: p.accountId, planId: 'vip', platform: 'discord', platformUserId: p.userId };
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription', line_items: [{ price: 'price_vip_monthly', quantity: 1 }], client_reference_id: p.accountId, metadata,
      subscription_data: { metadata }, success_url: 'http://127.0.0.1/billing/success', cancel_url: 'http://127.0.0.1/billing/cancel',
    });
    out.push([p.userId, session.id]);
  }
  return out;
}

async function timelines(emulators: EmulatorsProcess, userIds: string[]): Promise<PaymentTimeline[]> {
  const reply = await emulators.ask({ type: 'timelines', userIds });
  if (reply.type !== 'timelines') throw new Error('unexpected answer from the emulators process');
  return reply.timelines;
}

/** One service on a fresh database: a single payment, a pause for the role route's window, then the burst. */
async function runPhase(o: DiscordRolesOptions, lifted: boolean): Promise<Phase> {
  const database = tempDatabase('discord-roles');
  const guild = benchGuild(1);
  const plansFile = writeDiscordPlans(database.url, guild);
  let people: { userId: string; accountId: string }[] = [];
  const bench = await startBenchService({
    databaseUrl: database.url,
    nodeArgs: o.nodeArgs,
    entry: o.entry,
    emulators: { plansFile, discord: { guild, limits: { routes: { ...OPEN_DM, ...(lifted ? { [GET_MEMBER]: LIFTED, [ADD_ROLE]: LIFTED } : {}) } } } },
    prepare: async (emulators) => {
      const reply = await emulators.ask({ type: 'discordMembers', count: o.payments + 2 });
      if (reply.type !== 'ids') throw new Error('the emulators did not add the members');
      const accounts = seedDiscordSubscribers(database.url, reply.ids, null);
      people = reply.ids.map((userId, i) => ({ userId, accountId: accounts[i]! }));
    },
  });
  const { service, emulators } = bench;
  try {
    await emulators.ask({ type: 'setWebhookUrl', url: `${service.url}/webhooks/stripe` });
    const env = emulators.serviceEnv;
    const sessions = await checkoutSessions(env.STRIPE_API_BASE!, env.STRIPE_SECRET_KEY!, people);
    await service.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('Discord bot'), 60_000);
    const [warmup, first, ...rest] = sessions;
    // One unmeasured payment first: the single one is then timed in a running service, not in its first minute's cold code paths.
    for (const one of [warmup!, first!]) {
      await emulators.ask({ type: 'pay', sessions: [one] });
      await until(async () => (await timelines(emulators, [one[0]]))[0]?.roleAt !== null, Date.now() + 30_000, 20);
    }
    const [single] = await timelines(emulators, [first![0]]);
    // The role route's window (10 per 10 s) starts afresh, so the burst does not inherit the single payment's call.
    await new Promise((r) => setTimeout(r, 11_000));
    const burstStartedAt = Date.now();
    await emulators.ask({ type: 'pay', sessions: rest });
    const burstIds = rest.map(([userId]) => userId);
    await until(async () => (await timelines(emulators, burstIds)).every((t) => t.roleAt !== null), burstStartedAt + o.timeoutMs, 250);
    const burst = await timelines(emulators, burstIds);
    const reply = await emulators.ask({ type: 'discordSummary' });
    if (reply.type !== 'discordSummary') throw new Error('unexpected answer from the emulators process');
    const counts = requestCounts(reply.summary, burstStartedAt);
    return { single: single!, burst, burstStartedAt, stats: reply.summary.stats, requests: counts.byRoute, statuses: counts.byStatus };
  } finally {
    await bench.stop();
    database.remove();
  }
}

function latencies(burst: PaymentTimeline[], from: 'firstWebhookAt' | 'paidAt'): number[] {
  return burst.filter((t) => t.roleAt !== null && t[from] !== null).map((t) => (t.roleAt as number) - (t[from] as number));
}

function phaseFigures(label: string, p: Phase, strict: boolean): Figure[] {
  const fromWebhook = latencies(p.burst, 'firstWebhookAt');
  const fromPayment = latencies(p.burst, 'paidAt');
  const single = p.single.roleAt !== null && p.single.firstWebhookAt !== null ? p.single.roleAt - p.single.firstWebhookAt : NaN;
  const missing = p.burst.filter((t) => t.roleAt === null).length;
  const p99 = percentile(fromWebhook, 99);
  const lastRole = Math.max(...p.burst.map((t) => t.roleAt ?? NaN));
  return [
    { name: `${label}: single payment, webhook to role`, value: single, unit: 'ms', ...(strict ? { target: '< 1,000 ms', ok: single < 1000 } : {}) },
    { name: `${label}: burst, webhook to role p50`, value: percentile(fromWebhook, 50), unit: 'ms' },
    { name: `${label}: burst, webhook to role p99`, value: p99, unit: 'ms', ...(strict ? { target: '< 5,000 ms', ok: p99 < 5000 && missing === 0 } : {}) },
    { name: `${label}: burst, payment to role p50 / p99`, value: `${percentile(fromPayment, 50)} / ${percentile(fromPayment, 99)}`, unit: 'ms' },
    { name: `${label}: burst, first payment to last role`, value: round((lastRole - p.burstStartedAt) / 1000, 1), unit: 's' },
    { name: `${label}: roles missing after the timeout`, value: missing, target: '0', ok: missing === 0 },
    { name: `${label}: invalid requests`, value: p.stats.invalidRequests, target: '0', ok: p.stats.invalidRequests === 0 },
  ];
}

/**
 * Twice, each on a fresh service: with the emulator's member routes at Discord's limits (adding a
 * role: 10 per 10 s per server, as observed on Discord), then with those routes lifted, which
 * shows what the service's own path (webhook, mirror, access job, gate) takes.
 */
export async function runDiscordRoles(options: Partial<DiscordRolesOptions> = {}): Promise<ScenarioResult> {
  const o = { ...DISCORD_ROLES_DEFAULTS, ...options };
  const discordLimits = await runPhase(o, false);
  const lifted = await runPhase(o, true);
  const summarize = (p: Phase) => ({
    singleMs: p.single.roleAt !== null && p.single.firstWebhookAt !== null ? p.single.roleAt - p.single.firstWebhookAt : null,
    webhookToRoleP50: percentile(latencies(p.burst, 'firstWebhookAt'), 50), webhookToRoleP99: percentile(latencies(p.burst, 'firstWebhookAt'), 99),
    paymentToRoleP50: percentile(latencies(p.burst, 'paidAt'), 50), paymentToRoleP99: percentile(latencies(p.burst, 'paidAt'), 99),
    missing: p.burst.filter((t) => t.roleAt === null).length, stats: p.stats, requests: p.requests, statuses: p.statuses,
  });
  return {
    scenario: 'discord-roles',
    title: `Discord: payment to role, 1 payment (after a warm-up one) then ${o.payments} at once`,
    setup: `${serviceLabel(o.entry)}: Stripe webhooks -> subscription mirror -> access job -> bots/discord gate (discord.js) -> the Discord emulator; `
      + 'the Stripe emulator sends webhooks one at a time; phase 1 at Discord\'s limits (50/s global, member role add 10/10s per server), phase 2 with the member routes lifted',
    figures: [...phaseFigures('Discord limits', discordLimits, true), ...phaseFigures('member routes lifted', lifted, false)],
    data: { payments: o.payments, discordLimits: summarize(discordLimits), lifted: summarize(lifted) },
    notes: [
      'Discord allows 10 role adds per 10 s per server on this route (observed, discord-api-docs#7680); the emulator enforces it, so 200 grants in one server take about 200 s whatever the service does',
    ],
  };
}
