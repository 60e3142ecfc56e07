// Slack fan-out benchmark: one alert to 200 workspaces (300 channels) through the Slack emulator at about 1 message/s per channel and its per-workspace limits, 5% of posts answered 429.
import { randomBytes } from 'node:crypto';
import { serviceLabel } from './bench-service';
import type { ScenarioResult } from './report';
import { spawnService } from './service-process';
import type { SlackBenchSummary } from './slack-child';
import { forkSlackChild, seedWorkspaces, writeSlackPlans } from './slack-setup';
import { BENCH_SECRET, countByState, openOutbox, publishAndSettle, round, sendLatency, tempDatabase, type SettledPublish } from './support';

export interface SlackFanoutOptions {
  workspaces: number;
  /** Channels per workspace, cycled ([1, 2]: half the workspaces have two: 300 channels for 200 workspaces). */
  channelsEach: number[];
  /** Share of posts the emulator answers 429 with Retry-After `retryAfterSeconds`. */
  inject429: number;
  retryAfterSeconds: number;
  timeoutMs: number;
  nodeArgs?: string[] | undefined;
  entry?: string[] | undefined;
}

export const SLACK_FANOUT_DEFAULTS: SlackFanoutOptions = { workspaces: 200, channelsEach: [1, 2], inject429: 0.05, retryAfterSeconds: 1, timeoutMs: 300_000 };

/** The emulator's limits: about 1 message a second per channel (no burst), and Slack's per-workspace ceiling on chat.postMessage. */
const PER_CHANNEL = { limit: 1, windowMs: 1_000 };
const PER_WORKSPACE = { limit: 300, windowMs: 60_000 };

/** The least time the limits allow for `n` messages in one window: the ones beyond the first `limit` wait a window each `limit`. */
const leastMs = (n: number, window: { limit: number; windowMs: number }) => Math.max(0, Math.ceil(n / window.limit) - 1) * window.windowMs;

/**
 * The service runs as a child process in OAuth mode (SLACK_CLIENT_ID, SECRETS_KEY), its workspaces'
 * installations, accounts, Enterprise subscriptions and channels seeded in its database; the Slack
 * emulator runs in another child. One signal, and every channel should get its alert once.
 */
export async function runSlackFanout(options: Partial<SlackFanoutOptions> = {}): Promise<ScenarioResult> {
  const o = { ...SLACK_FANOUT_DEFAULTS, ...options };
  const database = tempDatabase('slack');
  const slack = forkSlackChild();
  try {
    const started = await slack.ask({
      type: 'start', workspaces: o.workspaces, channelsEach: o.channelsEach,
      limits: { postPerChannel: PER_CHANNEL, postPerWorkspace: PER_WORKSPACE },
      inject429: { share: o.inject429, retryAfterSeconds: o.retryAfterSeconds },
    });
    if (started.type !== 'started') throw new Error('the Slack emulator did not start');
    const secretsKey = randomBytes(32).toString('base64');
    const plansFile = writeSlackPlans(database.url);
    await seedWorkspaces(database.url, secretsKey, started.workspaces);
    const service = await spawnService({
      nodeArgs: o.nodeArgs, entry: o.entry,
      env: {
        DATABASE_URL: database.url, INGEST_SIGNING_SECRET: BENCH_SECRET, PLANS_FILE: plansFile,
        SLACK_SIGNING_SECRET: started.signingSecret, SLACK_CLIENT_ID: started.clientId, SLACK_CLIENT_SECRET: started.clientSecret,
        SLACK_API_URL: started.apiUrl, SECRETS_KEY: secretsKey, PUBLIC_URL: 'https://signals.bench.invalid',
      },
    });
    const outbox = openOutbox(database.url);
    try {
      await service.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('Slack app started'), 60_000);
      const settled = await publishAndSettle(service, outbox, 'bench-slack-1', o.timeoutMs, 100);
      const reply = await slack.ask({ type: 'summary' });
      if (reply.type !== 'summary') throw new Error('unexpected answer from the Slack emulator');
      const channels = started.workspaces.flatMap((w) => w.channels.map((c) => ({ team: w.team, id: c.id })));
      const latency = sendLatency(await (await fetch(`${service.url}/metrics`)).text(), 'slack');
      await service.stop('SIGTERM');
      return report(o, reply.summary, { ...settled, states: countByState(outbox), channels, latency, entry: o.entry });
    } finally {
      outbox.$client.close();
      if (service.child.exitCode === null) await service.stop('SIGKILL');
    }
  } finally {
    await slack.stop();
    database.remove();
  }
}

interface Run extends SettledPublish {
  states: Record<string, number>;
  channels: { team: string; id: string }[];
  latency: ReturnType<typeof sendLatency>;
  entry: string[] | undefined;
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
}

function report(o: SlackFanoutOptions, summary: SlackBenchSummary, run: Run): ScenarioResult {
  const posts = summary.posts.filter((p) => p.at >= run.sentAt);
  const delivered = new Map(summary.perChannel);
  const lost = run.channels.filter((c) => (delivered.get(c.id) ?? 0) === 0).length;
  const duplicates = [...delivered.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  const injected = summary.stats.limited.injected ?? 0;
  // Beyond the limits: a 429 the emulator gave for its own windows (not injected), or a post that came while its channel or workspace was paused by a Retry-After.
  const beyond = (summary.stats.limited.channel ?? 0) + (summary.stats.limited.workspace ?? 0) + (summary.stats.limited.tier ?? 0) + summary.stats.postsInPenalty;
  const okPosts = posts.filter((p) => p.ok).map((p) => p.at).sort((a, b) => a - b);
  const lastOk = okPosts[okPosts.length - 1] ?? NaN;
  const tookMs = lastOk - run.sentAt;
  // The ideal: what the limits allow for the busiest channel and workspace, plus the Retry-After waits the 429s forced on the target that got the most.
  const perChannel = countBy(run.channels, (c) => c.id);
  const perWorkspace = countBy(run.channels, (c) => c.team);
  const refusedPerChannel = countBy(posts.filter((p) => p.status === 429), (p) => p.channel);
  const busiestChannel = Math.max(...[...perChannel.values()]);
  const busiestWorkspace = Math.max(...[...perWorkspace.values()]);
  const mostRefused = Math.max(0, ...[...refusedPerChannel.values()]);
  const idealMs = Math.max(leastMs(busiestChannel, PER_CHANNEL), leastMs(busiestWorkspace, PER_WORKSPACE)) + mostRefused * o.retryAfterSeconds * 1000;
  const allDelivered = lost === 0 && run.done;
  const withinMs = idealMs + 2_000;
  return {
    scenario: 'slack',
    title: `Slack: 1 alert to ${o.workspaces.toLocaleString('en-US')} workspaces, ${run.channels.length.toLocaleString('en-US')} channels`,
    setup: `${serviceLabel(run.entry)}: @slack/web-api + bots/slack ChatPlatform (OAuth installs seeded in the database) -> the Slack emulator in its own child process at `
      + `${PER_CHANNEL.limit}/${PER_CHANNEL.windowMs / 1000}s per channel and ${PER_WORKSPACE.limit}/min per workspace for chat.postMessage; `
      + (o.inject429 > 0 ? `${o.inject429 * 100}% of posts answered 429 Retry-After ${o.retryAfterSeconds} s` : 'no injected 429s'),
    figures: [
      { name: 'channels delivered', value: run.channels.length - lost, unit: `of ${run.channels.length}`, target: 'all', ok: allDelivered },
      { name: 'lost', value: lost, target: '0', ok: lost === 0 && run.done },
      { name: 'duplicates', value: duplicates, target: '0', ok: duplicates === 0 },
      { name: 'posts beyond the limits (besides injected 429s)', value: beyond, target: '0', ok: beyond === 0 },
      { name: 'injected 429s', value: injected },
      { name: 'chat.postMessage calls', value: posts.length },
      { name: 'publish to all delivered', value: round(tookMs / 1000, 2), unit: 's', target: `<= ideal + 2 s (${round(withinMs / 1000, 1)} s)`, ok: allDelivered && tookMs <= withinMs },
      { name: 'ideal (busiest channel and workspace + forced Retry-After waits)', value: round(idealMs / 1000, 2), unit: `s (${busiestChannel} per channel, ${busiestWorkspace} per workspace, ${mostRefused} 429s on one channel)` },
      { name: 'publish to first post', value: (okPosts[0] ?? NaN) - run.sentAt, unit: 'ms' },
      { name: 'outbox after', value: JSON.stringify(run.states) },
      { name: 'service CPU per post', value: round(run.serviceCpuMs / Math.max(1, posts.length), 3), unit: 'ms' },
      { name: 'send call, mean / share over 25 ms', value: `${run.latency.meanMs} ms / ${run.latency.over25msPct}%` },
    ],
    data: {
      workspaces: o.workspaces, channels: run.channels.length, inject429: o.inject429, retryAfterSeconds: o.retryAfterSeconds, planned: run.planned, allDone: run.done,
      delivered: run.channels.length - lost, lost, duplicates, beyondLimits: beyond, injected429: injected, limited: summary.stats.limited, postsInPenalty: summary.stats.postsInPenalty,
      posts: posts.length, tookMs, idealMs, busiestChannel, busiestWorkspace, mostRefusedOnOneChannel: mostRefused, outbox: run.states, serviceCpuMs: run.serviceCpuMs, sendLatency: run.latency,
    },
    notes: [
      'a 429 names no scope on Slack: the adapter pauses the whole workspace for its Retry-After, so a workspace\'s other channel waits out its sibling\'s 429 too',
    ],
  };
}
