// The whole service on Slack for tests: the real wiring on an in-memory database, bolt and @slack/web-api on the Slack emulator (OAuth installs per workspace), stripe-node on the Stripe emulator.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { BOT_SCOPES } from '../../bots/slack/scopes';
import { SLACK_WORKSPACE_LICENCE } from '../../bots/slack/plan-access';
import { DEFAULT_PLANS, type PlansConfig } from '../../core/plans';
import { JumpingClock } from '../../core/testing/jumping-clock';
import { recordingLogger } from '../../core/testing/logger';
import { startSlackEmulator, type SlackEmulator, type SlackLimitsInput, type WorkspaceView } from '../../sandbox/slack';
import { buildWorldService, startWorldStripe, worldConfig, type WorldOptions, type WorldParts } from './world-parts';

/** The built-in plans with Enterprise giving the Slack workspace licence (no trial: the first payment is at checkout). */
export const SLACK_WORLD_PLANS: PlansConfig = {
  ...DEFAULT_PLANS,
  plans: DEFAULT_PLANS.plans.map((p) => (p.id === 'enterprise' ? { ...p, trialDays: 0, access: [SLACK_WORKSPACE_LICENCE] } : p)),
};

/** The limits are not what these tests are about: high enough on both sides that nothing waits on them. */
const WIDE = '10000/1s';
export const WIDE_SLACK_LIMITS: SlackLimitsInput = {
  tiers: { 1: { limit: 10_000, windowMs: 1000 }, 2: { limit: 10_000, windowMs: 1000 }, 3: { limit: 10_000, windowMs: 1000 }, 4: { limit: 10_000, windowMs: 1000 } },
  postPerChannel: { limit: 10_000, windowMs: 1000 },
  postPerWorkspace: { limit: 10_000, windowMs: 1000 },
};

export interface SlackServiceWorld extends WorldParts {
  slack: SlackEmulator;
  /**
   * The customer's workspace, the app not installed yet: dana (owner), alex (admin), sam (member);
   * #general, #alerts, #research (public), #desk-private (private, dana only).
   */
  ws: WorkspaceView;
  /** The service's address, also its PUBLIC_URL. */
  url: string;
}

export interface SlackServiceWorldOptions extends WorldOptions {
  /** The Slack emulator's limits (wide by default). */
  slackLimits?: SlackLimitsInput | undefined;
  /**
   * The simple setup: the app installed in the customer's workspace by dana before the start, and
   * the service on SLACK_BOT_TOKEN alone (no OAuth, no SECRETS_KEY).
   */
  singleToken?: boolean | undefined;
}

/** A port free on 127.0.0.1 now: the service listens there, so PUBLIC_URL (the OAuth redirect) is known before it starts. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The Slack settings of a service on `slack` in OAuth mode, with its public address `publicUrl`. */
export function slackOAuthSettings(slack: SlackEmulator, publicUrl: string): Record<string, string> {
  return {
    SLACK_SIGNING_SECRET: slack.app.signingSecret, SLACK_CLIENT_ID: slack.app.clientId, SLACK_CLIENT_SECRET: slack.app.clientSecret,
    SLACK_API_URL: slack.apiUrl, SLACK_AUTHORIZE_URL: slack.authorizeUrl, SECRETS_KEY: randomBytes(32).toString('base64'), PUBLIC_URL: publicUrl,
  };
}

/** The customer's workspace on the emulator (the app not installed). */
export function createCustomerWorkspace(slack: SlackEmulator, name = 'Acme Trading Desk'): WorkspaceView {
  return slack.createWorkspace({
    name,
    users: [{ name: 'dana', isOwner: true }, { name: 'alex', isAdmin: true }, { name: 'sam' }],
    channels: [{ name: 'general' }, { name: 'alerts' }, { name: 'research' }, { name: 'desk-private', isPrivate: true, members: ['dana'] }],
  });
}

/**
 * Starts the Slack emulator (the app's request URL and redirect URL at the service), the Stripe
 * emulator and the service on them in OAuth mode (Slack only); each stop is pushed on `running`
 * (run them in reverse).
 */
export async function startSlackServiceWorld(running: (() => Promise<void>)[], options: SlackServiceWorldOptions): Promise<SlackServiceWorld> {
  const clock = new JumpingClock(Date.UTC(2026, 2, 2, 9, 0, 0));
  const plans = options.plans ?? SLACK_WORLD_PLANS;
  const slack = await startSlackEmulator({ clock, limits: options.slackLimits ?? WIDE_SLACK_LIMITS });
  running.push(() => slack.stop());
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  slack.configureApp({ scopes: [...BOT_SCOPES], requestUrl: `${url}/slack/events`, redirectUrls: [`${url}/slack/oauth_redirect`] });
  const ws = createCustomerWorkspace(slack);
  const stripe = await startWorldStripe(running, clock, plans, options.webhookTimeoutMs);
  const config = worldConfig(stripe, options.signingSecret, String(port), {
    ...(options.singleToken
      ? { SLACK_SIGNING_SECRET: slack.app.signingSecret, SLACK_BOT_TOKEN: slack.installApp(ws.id, { installerId: ws.users.dana! }).botToken, SLACK_API_URL: slack.apiUrl }
      : slackOAuthSettings(slack, url)),
    SLACK_RATE_OVERALL: WIDE, SLACK_RATE_PER_TENANT: WIDE, SLACK_RATE_PER_CHAT: WIDE,
  }, options.settings);
  const logger = recordingLogger();
  const service = buildWorldService(running, { config, logger, clock, plans, accessJobs: options.accessJobs });
  const listening = await service.start();
  if (listening !== url) throw new Error(`the service listens at ${listening}, not at its PUBLIC_URL ${url}`);
  stripe.setWebhookUrl(`${url}/webhooks/stripe`);
  return { clock, slack, ws, stripe, service, url, logger, config, plans };
}
