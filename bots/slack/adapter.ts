// Slack as a PlatformAdapter: bolt fed by the service's server (or Socket Mode), tokens per workspace, the Block Kit sender, the workspace port, the OAuth install.
import { App, SocketModeReceiver, type Authorize, type Logger as BoltLogger } from '@slack/bolt';
import { SignalcastError } from '../../core/errors';
import type { EventHandler } from '../../core/inbound/types';
import type { AdapterContext, PlatformAdapter, PlatformCapabilities } from '../../core/platform/adapter';
import { AdapterStartError, startDeadline } from '../../core/platform/errors';
import { slackErrorOf, unreachableCause } from './errors';
import { SLACK_ACK_WITHIN_MS, installInbound } from './inbound';
import { installRoutes } from './install';
import { SlackPlatform } from './platform';
import { RouteReceiver, SIGNATURE_WINDOW_MS } from './receiver';
import { EVENTS_PATH } from './scopes';
import { slackWorkspacePort } from './workspace-port';
import { CALL_TIMEOUT_MS, callOptions, slackLogger, SlackWorkspaces } from './workspaces';

/** Slack's settings (SLACK_*), as config.slack gives them. */
export interface SlackSettings {
  signingSecret: string;
  /** SLACK_BOT_TOKEN: one workspace without OAuth. */
  botToken?: string | undefined;
  /** SLACK_CLIENT_ID and SLACK_CLIENT_SECRET: installs per workspace through OAuth v2 (PUBLIC_URL and SECRETS_KEY needed). */
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  /** SLACK_APP_TOKEN: Socket Mode instead of HTTP (no public URL for events). */
  appToken?: string | undefined;
  /** SLACK_API_URL, with its trailing slash. */
  apiUrl: string;
  /** SLACK_AUTHORIZE_URL. */
  authorizeUrl: string;
  operatorIds: readonly string[];
  /** How long one start attempt may take. Default 15 s. */
  startTimeoutMs?: number | undefined;
}

/**
 * What Slack can do: buttons, edits, threads, ephemeral answers, 40,000 characters of mrkdwn, a
 * workspace licence. No free text (the app subscribes to no message events). Direct messages only
 * for notices to admins: no command makes a person's DMs an alert destination. Images: a snapshot's
 * chart is uploaded (files.getUploadURLExternal, files.completeUploadExternal) and shared with its text.
 */
export const SLACK_CAPABILITIES: PlatformCapabilities = {
  buttons: true, edits: true, threads: true, ephemeral: true, images: true, directMessages: true, freeText: false,
  maxMessageLength: 40_000, markup: 'mrkdwn', access: ['workspace'], ackWithinMs: SLACK_ACK_WITHIN_MS,
};

export interface SlackAdapter extends PlatformAdapter {
  readonly app: App;
  readonly workspaces: SlackWorkspaces;
}

/** fetch with a deadline: bolt's respond() to a response_url has none of its own. */
const timedFetch: typeof fetch = (input, init) => fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(CALL_TIMEOUT_MS) });

/** Builds bolt's App, the sender and the routes; contacts nothing until `start`. */
export function createSlackAdapter(settings: SlackSettings, ctx: AdapterContext): SlackAdapter {
  if (!settings.botToken && !(settings.clientId && settings.clientSecret)) {
    throw new SignalcastError('config_invalid', 'SLACK_BOT_TOKEN: set it, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET');
  }
  if (settings.clientId && !ctx.publicUrl) throw new SignalcastError('config_invalid', 'PUBLIC_URL: required with SLACK_CLIENT_ID (the OAuth redirect)');
  const logger = ctx.logger.child({ component: 'slack' });
  const slackLog = slackLogger(logger);
  const workspaces = new SlackWorkspaces({ apiUrl: settings.apiUrl, botToken: settings.botToken, installations: ctx.installations, clock: ctx.clock, logger });
  const routeReceiver = settings.appToken ? undefined : new RouteReceiver({ signingSecret: settings.signingSecret, clock: ctx.clock, logger });
  const receiver = routeReceiver ?? new SocketModeReceiver({
    appToken: settings.appToken!, logger: slackLog as BoltLogger, installerOptions: { clientOptions: { slackApiUrl: settings.apiUrl } },
  });

  // The token of the workspace a request comes from; an unknown or revoked workspace gets no handling.
  const authorize: Authorize<boolean> = async (source) => {
    const team = source.teamId ?? '';
    const token = await workspaces.tokenOf(team);
    if (!token) {
      logger.warn({ team }, `a Slack request from workspace ${team || '(none)'} was ignored: ${workspaces.whyNot(team)}`);
      throw new Error(`no active installation for workspace ${team}`);
    }
    return { botToken: token.token, botUserId: token.botUserId, teamId: team };
  };
  const app = new App({
    receiver, authorize, logger: slackLog as BoltLogger,
    clientOptions: { ...callOptions(settings.apiUrl, slackLog), fetch: timedFetch },
  });
  // Events API retries (the same event_id) and Socket Mode redeliveries are acknowledged (bolt acks events first) and not handled twice.
  const eventIds = new Map<string, number>();
  app.use(async ({ body, next }) => {
    const id = (body as { event_id?: unknown }).event_id;
    if (typeof id === 'string') {
      const now = ctx.clock.now();
      if ((eventIds.get(id) ?? 0) > now) return;
      eventIds.set(id, now + SIGNATURE_WINDOW_MS * 12);
      if (eventIds.size > 50_000) eventIds.delete(eventIds.keys().next().value as string);
    }
    await next();
  });
  // Bolt's own errors (an unknown workspace, a failed listener) are logged, never rethrown into the receiver.
  app.error(async (error) => {
    logger.warn({ code: (error as { code?: string }).code }, `Slack: ${error.message.slice(0, 200)}`);
  });

  let handler: EventHandler = async () => [];
  installInbound(app, { onEvent: () => handler, clock: ctx.clock, logger });
  const sender = new SlackPlatform(workspaces, { logger });
  let started = false;

  return {
    name: 'slack',
    label: 'Slack',
    capabilities: SLACK_CAPABILITIES,
    sender,
    operatorIds: settings.operatorIds,
    workspace: slackWorkspacePort(workspaces),
    app,
    workspaces,
    routes(registrar) {
      if (routeReceiver) registrar.add({ method: 'POST', path: EVENTS_PATH, handle: (request) => routeReceiver.handle(request) });
      if (settings.clientId && settings.clientSecret && ctx.publicUrl) {
        for (const route of installRoutes({
          clientId: settings.clientId, clientSecret: settings.clientSecret, authorizeUrl: settings.authorizeUrl, publicUrl: ctx.publicUrl,
          api: () => workspaces.anonymous(), installations: ctx.installations, clock: ctx.clock, logger,
        })) registrar.add(route);
      }
    },
    async start(onEvent, signal) {
      handler = onEvent;
      const abandoned = startDeadline('Slack could not be reached: the start did not finish in time', settings.startTimeoutMs ?? 15_000, signal);
      try {
        if (settings.botToken) {
          const me = await Promise.race([workspaces.anonymous(settings.botToken).auth.test(), abandoned]);
          workspaces.single = { team: me.team_id ?? '', botUserId: me.user_id, botName: me.user };
          await workspaces.registerSingle({ tenantName: me.team ?? null, enterpriseId: me.enterprise_id ?? null, scopes: me.response_metadata?.scopes ?? [] })
            .catch((err: unknown) => logger.error({ err, team: me.team_id }, 'could not record SLACK_BOT_TOKEN\'s workspace as an installation: /signals there says the app is not installed'));
          logger.info({ team: me.team_id }, `Slack bot ${me.user ?? ''} started in workspace ${me.team ?? me.team_id ?? ''}`);
        }
        await Promise.race([app.start(), abandoned]);
        started = true;
      } catch (err) {
        if (err instanceof AdapterStartError) throw err;
        const word = slackErrorOf(err);
        const refused = word !== undefined && ['invalid_auth', 'token_revoked', 'account_inactive', 'not_authed', 'not_allowed_token_type'].includes(word);
        throw new AdapterStartError(
          refused ? `${settings.appToken && !settings.botToken ? 'SLACK_APP_TOKEN' : 'SLACK_BOT_TOKEN'}: Slack refused the token (${word}); copy it again from the app's settings` : `Slack could not be reached: ${unreachableCause(err)}`,
          { permanent: refused, cause: refused ? 'the token was refused' : unreachableCause(err) },
        );
      }
      if (!settings.botToken) logger.info('Slack app started: workspaces install it from /slack/install');
    },
    async stop() {
      if (started) await app.stop().catch(() => undefined);
      started = false;
    },
    deepLink: () => undefined,
  };
}
