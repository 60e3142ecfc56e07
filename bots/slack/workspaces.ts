// Which bot token speaks for a workspace: its OAuth installation or SLACK_BOT_TOKEN; and a workspace whose token died, answered from memory.
import { WebClient, type Logger as SlackLogger, LogLevel } from '@slack/web-api';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import type { InstallationStore } from '../../core/tenancy/installations';

/** How one Web API call is bounded: 10 s, and two quick retries of a network failure or a 5xx (never of a 429: `rejectRateLimitedCalls`). */
export const CALL_TIMEOUT_MS = 10_000;
const CALL_RETRIES = { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1_000, randomize: true };

/** The options of a WebClient for calls other than sends (users.info, conversations.*, auth.test, oauth.v2.access). */
export function callOptions(apiUrl: string, logger: SlackLogger) {
  return { slackApiUrl: apiUrl, timeout: CALL_TIMEOUT_MS, retryConfig: CALL_RETRIES, rejectRateLimitedCalls: true, logger, logLevel: LogLevel.WARN };
}

/**
 * The options of a WebClient for deliveries: no retries and a 429 thrown, not waited out: the
 * durable outbox retries and the dispatcher keeps the limits.
 */
export function sendOptions(apiUrl: string, logger: SlackLogger) {
  return { slackApiUrl: apiUrl, timeout: CALL_TIMEOUT_MS, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger, logLevel: LogLevel.WARN };
}

/** @slack/web-api's logger on ours: warnings and errors only, and never its arguments verbatim (a request's options may hold a token). */
export function slackLogger(logger: Logger): SlackLogger {
  const words = (msg: unknown[]) => msg.filter((m) => typeof m === 'string').join(' ').replace(/xox[a-z]-[A-Za-z0-9-]+/g, '[redacted]').slice(0, 300);
  return {
    debug: () => {}, info: () => {},
    warn: (...msg: unknown[]) => logger.warn(words(msg)),
    error: (...msg: unknown[]) => logger.error(words(msg)),
    setLevel: () => {}, getLevel: () => LogLevel.WARN, setName: () => {},
  };
}

/** A workspace's token and where it came from: `oauth` (an installation) or `single` (SLACK_BOT_TOKEN). */
export interface WorkspaceToken {
  team: string;
  token: string;
  source: 'oauth' | 'single';
  botUserId: string | undefined;
}

export interface SlackWorkspacesOptions {
  apiUrl: string;
  /** SLACK_BOT_TOKEN: one workspace without OAuth (its team learned by auth.test at start). */
  botToken?: string | undefined;
  installations: InstallationStore;
  clock: Clock;
  logger: Logger;
}

/**
 * The tokens by workspace. A workspace whose token Slack refused (token_revoked, account_inactive,
 * invalid_auth) is remembered: later sends there are refused here, without a request, until a
 * reinstall (an installation newer than the refusal). That is what keeps a dead workspace from
 * becoming a retry storm of refused posts.
 */
export class SlackWorkspaces {
  /** SLACK_BOT_TOKEN's workspace and bot user, once auth.test said (start). */
  single: { team: string; botUserId: string | undefined; botName: string | undefined } | undefined;
  private readonly dead = new Map<string, { at: number; reason: string }>();
  private readonly senders = new Map<string, WebClient>();
  private readonly callers = new Map<string, WebClient>();
  private readonly slackLog: SlackLogger;

  constructor(private readonly options: SlackWorkspacesOptions) {
    this.slackLog = slackLogger(options.logger);
  }

  /** A client that reaches the Web API without a token (oauth.v2.access) or with a given one. */
  anonymous(token?: string): WebClient {
    return new WebClient(token, callOptions(this.options.apiUrl, this.slackLog));
  }

  /** The workspace's live token, or null: not installed, its installation revoked, or its token refused since. */
  async tokenOf(team: string): Promise<WorkspaceToken | null> {
    const refused = this.dead.get(team);
    const installation = await this.options.installations.get('slack', team);
    if (installation && installation.revokedAt === null && installation.botToken) {
      if (refused && installation.installedAt.getTime() <= refused.at) return null;
      if (refused) this.dead.delete(team);
      return { team, token: installation.botToken.reveal(), source: 'oauth', botUserId: installation.botUserId ?? undefined };
    }
    // SLACK_BOT_TOKEN's workspace: registered at start with no stored token; revoked, it waits for a restart with a new token.
    const revoked = installation !== null && installation.revokedAt !== null && installation.botToken === null;
    if (this.options.botToken && this.single?.team === team && !refused && !revoked) {
      return { team, token: this.options.botToken, source: 'single', botUserId: this.single.botUserId };
    }
    return null;
  }

  /**
   * SLACK_BOT_TOKEN's workspace as an installation (its token not stored: it stays in the settings),
   * so the workspace commands find it and its account, as they find an OAuth install. An OAuth
   * installation of the same workspace is left as it is; one registered so before is refreshed
   * (a restart with a working token after a revocation brings its channels back).
   */
  async registerSingle(details: { tenantName: string | null; enterpriseId: string | null; scopes: readonly string[] }): Promise<void> {
    const team = this.single?.team;
    if (!team) return;
    const existing = await this.options.installations.get('slack', team);
    if (existing?.botToken) return;
    if (existing && existing.revokedAt === null && existing.botUserId === (this.single?.botUserId ?? null)) return;
    await this.options.installations.save({ platform: 'slack', tenant: team, ...details, botUserId: this.single?.botUserId ?? null, botToken: null });
  }

  /** Why `team` has no live token, for an error: never the token. */
  whyNot(team: string): string {
    const refused = this.dead.get(team);
    return refused ? `Slack refused workspace ${team}'s token (${refused.reason}); it needs a reinstall` : `the app is not installed in workspace ${team}`;
  }

  /** The delivery client of a token (no retries); one per token. */
  sender(token: WorkspaceToken): WebClient {
    return this.clientFrom(this.senders, token, () => new WebClient(token.token, sendOptions(this.options.apiUrl, this.slackLog)));
  }

  /** The client for every other call (bounded retries); one per token. */
  caller(token: WorkspaceToken): WebClient {
    return this.clientFrom(this.callers, token, () => new WebClient(token.token, callOptions(this.options.apiUrl, this.slackLog)));
  }

  /**
   * Slack refused `team`'s token: remember it (later sends answer from memory), and for an OAuth
   * installation mark it revoked, which disables the workspace's destinations in the same transaction.
   */
  async refused(token: WorkspaceToken, reason: string): Promise<void> {
    if (this.dead.has(token.team)) return;
    this.dead.set(token.team, { at: this.options.clock.now(), reason });
    this.senders.delete(token.team);
    this.callers.delete(token.team);
    this.options.logger.warn({ team: token.team, reason, source: token.source }, `Slack refused the bot token of workspace ${token.team}; nothing more is sent there until it is reinstalled`);
    if (token.source !== 'oauth') return;
    try {
      await this.options.installations.markRevoked('slack', token.team, reason);
    } catch (err) {
      this.options.logger.error({ err, team: token.team }, 'marking a Slack installation revoked failed');
    }
  }

  private clientFrom(cache: Map<string, WebClient>, token: WorkspaceToken, make: () => WebClient): WebClient {
    const key = `${token.team}:${token.source}`;
    const known = cache.get(key);
    // A reinstall brings a new token: the cached client of the old one is replaced.
    if (known && known.token === token.token) return known;
    const client = make();
    cache.set(key, client);
    return client;
  }
}
