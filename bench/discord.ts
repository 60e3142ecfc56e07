// Discord fan-out benchmark: one alert to 500 gated channels and 5,000 DMs through the Discord emulator at Discord's 50 requests/s, 5% of sends answered 429.
import { serviceLabel, startBenchService } from './bench-service';
import type { DiscordSummary } from './discord-child';
import { benchGuild, requestCounts, seedDiscordSubscribers, writeDiscordPlans } from './discord-setup';
import type { ScenarioResult } from './report';
import { countByState, openOutbox, publishAndSettle, round, sendLatency, tempDatabase, type SettledPublish } from './support';

export interface DiscordFanoutOptions {
  /** Gated channels the VIP role opens (each gets the alert once). */
  channels: number;
  /** Pro subscribers on Discord who get the alert by DM. */
  dms: number;
  /** Share of message sends the emulator answers 429 (scope user) with `retryAfterSeconds`. */
  inject429: number;
  retryAfterSeconds: number;
  timeoutMs: number;
  nodeArgs?: string[] | undefined;
  entry?: string[] | undefined;
}

export const DISCORD_FANOUT_DEFAULTS: DiscordFanoutOptions = { channels: 500, dms: 5_000, inject429: 0.05, retryAfterSeconds: 1, timeoutMs: 600_000 };

/** Discord's global limit, as the emulator enforces it. */
const GLOBAL_PER_SECOND = 50;
const SEND = 'POST /channels/:id/messages';
const OPEN_DM = 'POST /users/@me/channels';

/** The most of `times` (ms, any order) that fall in any interval [x, x + windowMs). */
function mostInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while ((sorted[hi] as number) - (sorted[lo] as number) >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/** Messages per target: how many got none and how many extra copies arrived. */
function tally(expected: readonly string[], got: readonly [string, number][]): { lost: number; duplicates: number } {
  const counts = new Map(got);
  return {
    lost: expected.filter((id) => (counts.get(id) ?? 0) === 0).length,
    duplicates: [...counts.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0),
  };
}

/**
 * The service runs as a child process with DISCORD_BOT_TOKEN and DISCORD_API_URL (discord.js on the
 * emulator's gateway, bots/discord's ChatPlatform, the dispatcher at its Discord defaults: 50/1s
 * overall, 5/5s per channel); the Discord emulator runs in another child with Discord's limits.
 */
export async function runDiscordFanout(options: Partial<DiscordFanoutOptions> = {}): Promise<ScenarioResult> {
  const o = { ...DISCORD_FANOUT_DEFAULTS, ...options };
  const database = tempDatabase('discord');
  const guild = benchGuild(o.channels);
  const plansFile = writeDiscordPlans(database.url, guild);
  let dmUsers: string[] = [];
  const bench = await startBenchService({
    databaseUrl: database.url,
    nodeArgs: o.nodeArgs,
    entry: o.entry,
    emulators: {
      plansFile,
      discord: {
        guild,
        // Discord publishes no figure for opening a DM channel: only the global 50/s bounds it here.
        limits: { globalPerSecond: GLOBAL_PER_SECOND, routes: { [OPEN_DM]: { limit: GLOBAL_PER_SECOND, windowMs: 1_000 } } },
        ...(o.inject429 > 0 ? { inject429: { scope: 'user', retryAfterSeconds: o.retryAfterSeconds, share: o.inject429, route: SEND } } : {}),
      },
    },
    prepare: async (emulators) => {
      const reply = await emulators.ask({ type: 'discordMembers', count: o.dms });
      if (reply.type !== 'ids') throw new Error('the emulators did not add the members');
      dmUsers = reply.ids;
      seedDiscordSubscribers(database.url, dmUsers, 'pro');
    },
  });
  const { service, emulators } = bench;
  const outbox = openOutbox(database.url);
  try {
    await service.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('Discord bot'), 60_000);
    const settled = await publishAndSettle(service, outbox, 'bench-discord-1', o.timeoutMs, 250);
    const reply = await emulators.ask({ type: 'discordSummary' });
    if (reply.type !== 'discordSummary') throw new Error('unexpected answer from the emulators process');
    const summary: DiscordSummary = reply.summary;
    const latency = sendLatency(await (await fetch(`${service.url}/metrics`)).text(), 'discord');
    const states = countByState(outbox);
    return report(o, summary, { ...settled, states, dmUsers, channelIds: guild.channelIds, latency, entry: o.entry });
  } finally {
    outbox.$client.close();
    await bench.stop();
    database.remove();
  }
}

interface Run extends SettledPublish {
  states: Record<string, number>;
  dmUsers: string[];
  channelIds: string[];
  latency: ReturnType<typeof sendLatency>;
  entry: string[] | undefined;
}

function report(o: DiscordFanoutOptions, summary: DiscordSummary, run: Run): ScenarioResult {
  const during = summary.requests.filter((r) => r.at >= run.sentAt);
  const sends = during.filter((r) => r.route === SEND);
  const okSends = sends.filter((r) => r.status === 200).map((r) => r.at).sort((a, b) => a - b);
  const first = okSends[0] ?? NaN;
  const last = okSends[okSends.length - 1] ?? NaN;
  const spanMs = last - first;
  // Every request the service made counts in its own pacing, a 429'd one too (it cannot know ahead);
  // the emulator's global window counts only the answered ones.
  const inSpan = during.filter((r) => r.at >= first && r.at <= last);
  const made = (inSpan.length / spanMs) * 1000;
  const rate = (inSpan.filter((r) => r.status !== 429).length / spanMs) * 1000;
  const busiest = mostInAnyWindow(during.filter((r) => r.status !== 429).map((r) => r.at), 1_000);
  const sendRate = (okSends.length / spanMs) * 1000;
  const pct = (n: number) => round((n / GLOBAL_PER_SECOND) * 100, 1);
  const channels = tally(run.channelIds, summary.channelMessages);
  const dms = tally(run.dmUsers, summary.dmMessages);
  const lost = channels.lost + dms.lost;
  const duplicates = channels.duplicates + dms.duplicates;
  const invalidBeyond = summary.stats.invalidRequests - summary.stats.injected;
  const dmOpens = during.filter((r) => r.route === OPEN_DM).length;
  const dmSends = sends.filter((r) => r.dm).length;
  const dmsDelivered = run.dmUsers.length - dms.lost;
  const callsPerDm = (dmOpens + dmSends) / dmsDelivered;
  const counts = requestCounts(summary, run.sentAt);
  return {
    scenario: 'discord',
    title: `Discord: 1 alert to ${o.channels.toLocaleString('en-US')} gated channels + ${o.dms.toLocaleString('en-US')} DMs`,
    setup: `${serviceLabel(run.entry)}: discord.js + bots/discord ChatPlatform -> the Discord emulator (REST + gateway) at ${GLOBAL_PER_SECOND} requests/s global, `
      + `5/5s per channel's messages, opening a DM channel bounded by the global limit only; `
      + (o.inject429 > 0 ? `${o.inject429 * 100}% of message sends answered 429 (scope user) retry_after ${o.retryAfterSeconds} s` : 'no injected 429s'),
    figures: [
      { name: 'REST requests made, first to last send', value: round(made, 1), unit: `req/s (${pct(made)}% of ${GLOBAL_PER_SECOND}/s)`, target: '>= 95%', ok: pct(made) >= 95 },
      { name: 'of them answered (not 429)', value: round(rate, 1), unit: `req/s (${pct(rate)}%)` },
      { name: 'most requests answered in any 1 s', value: busiest, target: `<= ${GLOBAL_PER_SECOND}`, ok: busiest <= GLOBAL_PER_SECOND },
      { name: 'messages delivered, first to last send', value: round(sendRate, 1), unit: 'msg/s' },
      { name: 'span first to last send', value: round(spanMs / 1000, 1), unit: 's' },
      { name: 'publish to first send', value: first - run.sentAt, unit: 'ms' },
      { name: 'lost (channels + DMs)', value: lost, target: '0', ok: lost === 0 && run.done },
      { name: 'duplicates', value: duplicates, target: '0', ok: duplicates === 0 },
      { name: 'invalid requests beyond injected 429s', value: invalidBeyond, target: '0', ok: invalidBeyond === 0 },
      { name: 'injected 429s', value: summary.stats.injected },
      { name: '429s by scope (incl. injected)', value: JSON.stringify(summary.stats.limited) },
      { name: 'REST calls per DM (first DM to a person)', value: round(callsPerDm, 2), unit: `(${dmOpens} DM channels opened)` },
      { name: 'outbox after', value: JSON.stringify(run.states) },
      { name: 'service CPU per request', value: round(run.serviceCpuMs / during.length, 3), unit: `ms (${round((run.serviceCpuMs / spanMs) * 100, 0)}% of a core)` },
      { name: 'send call, mean / share over 25 ms', value: `${run.latency.meanMs} ms / ${run.latency.over25msPct}%` },
    ],
    data: {
      channels: o.channels, dms: o.dms, inject429: o.inject429, retryAfterSeconds: o.retryAfterSeconds, planned: run.planned, allDone: run.done,
      requestRate: round(made, 1), requestRatePct: pct(made), answeredRate: round(rate, 1), answeredRatePct: pct(rate), mostInOneSecond: busiest, sendRate: round(sendRate, 1), spanMs, publishToFirstSendMs: first - run.sentAt,
      lost, lostChannels: channels.lost, lostDms: dms.lost, duplicates, invalidRequests: summary.stats.invalidRequests, invalidBeyondInjected: invalidBeyond,
      injected429: summary.stats.injected, limited: summary.stats.limited, dmChannelsOpened: dmOpens, restCallsPerDm: round(callsPerDm, 3),
      requests: counts.byRoute, statuses: counts.byStatus, outbox: run.states, serviceCpuMs: run.serviceCpuMs, sendLatency: run.latency, identifies: summary.identifies,
    },
    notes: [
      'a DM costs two REST calls the first time (open the DM channel, then the message); the channel is remembered in memory, so later alerts cost one',
      'the limiter holds each request\'s slot for 1 s after its answer (less a 20 ms margin), as it cannot know when Discord counted it: the send latency is lost from every slot',
    ],
  };
}
