// The Slack emulator: the Web API at /api/<method>, response URLs, the OAuth install page and
// Socket Mode on one loopback port, over a state of workspaces, the app and its installs; drivers
// act as Slack and its people; faults and rate limits on demand.
import { systemClock, type Clock } from '../../core/clock';
import { EmulatorServer, type EmulatorResponse, type Fault } from '../base/emulator';
import { Deliverer, type DeliveryResult, type SentRequest, type SigningOptions } from './delivery';
import * as drivers from './drivers';
import { addUser, createWorkspace, installApp, OAuthCodes, type CreateWorkspaceOptions, type InstallOptions, type InstallResult, type WorkspaceView } from './installs';
import { allowInput, authorizePage } from './oauth-page';
import { SlackRateLimiter, type SlackLimitsInput, type SlackRateStats } from './rate-limits';
import { ResponseUrlBook } from './response-urls';
import { SocketModeServer } from './socket-mode';
import { SlackState, type ApiCall, type EphemeralMessage, type SlackApp, type SlackFile, type SlackMessage, type TokenRecord } from './state';
import { handleWebApi } from './web-api';
import { receiveUpload } from './methods/files';

export interface SlackEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  clock?: Clock;
  limits?: SlackLimitsInput;
  /** How long Slack waits for the app's answer to a request (3 s). */
  ackTimeoutMs?: number;
  /** Delays before Slack's retries of an unanswered event (at once, 1 minute, 5 minutes). */
  eventRetryDelaysMs?: number[];
}

export type ConfigureAppInput = Partial<Omit<SlackApp, 'id' | 'verificationToken'>>;

function renderFault(fault: Exclude<Fault, { kind: 'hang' }>): EmulatorResponse {
  switch (fault.kind) {
    case 'rate_limit':
      return { status: 429, headers: { 'retry-after': String(Math.ceil(fault.retryAfterSeconds)) }, body: { ok: false, error: 'ratelimited' } };
    case 'server_error':
      return { status: fault.status ?? 500, headers: { 'content-type': 'text/html' }, body: '<html><body>Internal Server Error</body></html>' };
    case 'platform_error':
      return { status: 200, body: { ok: false, error: fault.description } };
  }
}

/**
 * One emulated Slack with one app. Point @slack/web-api at `apiUrl` (`slackApiUrl`), give the app's
 * request URL with `configureApp`, create workspaces and install the app, then act with the drivers
 * and read `state` (messages, ephemerals, calls).
 */
export class SlackEmulator {
  readonly server: EmulatorServer;
  readonly state: SlackState;
  readonly limiter: SlackRateLimiter;
  readonly responses: ResponseUrlBook;
  readonly socketMode: SocketModeServer;
  private readonly codes: OAuthCodes;
  private readonly deliverer: Deliverer;
  private readonly failures = new Map<string, string[]>();
  private readonly driverContext: drivers.DriverContext;

  constructor(options: SlackEmulatorOptions = {}) {
    const clock = options.clock ?? systemClock;
    this.state = new SlackState({ clock });
    this.limiter = new SlackRateLimiter(clock, options.limits);
    this.responses = new ResponseUrlBook(this.state);
    this.codes = new OAuthCodes(this.state);
    this.server = new EmulatorServer({ name: 'slack', port: options.port ?? 0, renderFault });
    this.socketMode = new SocketModeServer(this.server, () => this.state.app.id);
    this.deliverer = new Deliverer(this.state, () => this.socketMode, options.ackTimeoutMs ?? 3_000);
    this.driverContext = {
      state: this.state,
      responses: this.responses,
      deliverer: this.deliverer,
      codes: this.codes,
      baseUrl: () => this.server.url,
      eventRetryDelaysMs: options.eventRetryDelaysMs ?? [0, 60_000, 300_000],
    };
    const hooks = {
      uninstall: (teamId: string) => void this.uninstall(teamId),
      // auth.revoke: the token dies, and Slack tells the app which one (tokens_revoked).
      revoke: (token: TokenRecord) => {
        const record = this.state.tokens.get(token.token);
        if (!record || record.dead) return;
        record.dead = 'token_revoked';
        const tokens = { oauth: record.kind === 'user' ? [record.userId ?? ''] : [], bot: record.kind === 'bot' ? [record.userId ?? ''] : [] };
        if (record.teamId) void drivers.sendEvent(this.driverContext, record.teamId, { type: 'tokens_revoked', tokens });
      },
      socketUrl: () => this.socketMode.openUrl(),
      uploadUrl: (fileId: string) => `${this.server.url}/upload/v1/${fileId}`,
      redeemCode: (code: string, redirectUri: string | undefined) => this.codes.redeem(code, redirectUri),
    };
    this.server.route('*', '/api/:method', (req) => handleWebApi({ state: this.state, limiter: this.limiter, hooks, failures: this.failures }, req));
    this.server.route('POST', '/upload/v1/:id', (req) => receiveUpload(this.state, req));
    this.server.route('POST', '/response/:id', (req) => this.responses.handle(req.params.id ?? '', req.rawBody));
    this.server.route('GET', '/oauth/v2/authorize', (req) => authorizePage(this.state, req));
    this.server.route('POST', '/oauth/v2/authorize/allow', (req): EmulatorResponse => {
      try {
        return { status: 302, headers: { location: drivers.authorize(this.driverContext, allowInput(req)) } };
      } catch (err) {
        return { status: 400, headers: { 'content-type': 'text/plain' }, body: (err as Error).message };
      }
    });
  }

  async start(): Promise<string> {
    return this.server.start();
  }

  async stop(): Promise<void> {
    await this.socketMode.close();
    await this.server.stop();
  }

  /** Refuses connections (the port stays reserved in the emulator's memory) until `resume()`. */
  async pause(): Promise<void> {
    this.socketMode.drop();
    await this.server.pause();
  }

  async resume(): Promise<void> {
    await this.server.resume();
  }

  get url(): string {
    return this.server.url;
  }

  /** `slackApiUrl` for @slack/web-api and bolt (with its trailing slash). */
  get apiUrl(): string {
    return `${this.server.url}/api/`;
  }

  get authorizeUrl(): string {
    return `${this.server.url}/oauth/v2/authorize`;
  }

  get app(): SlackApp {
    return this.state.app;
  }

  get calls(): ApiCall[] {
    return this.state.calls;
  }

  /** Sets the app's credentials, request URL and Socket Mode; what is not given keeps its value. */
  configureApp(input: ConfigureAppInput): SlackApp {
    this.state.app = { ...this.state.app, ...input };
    return this.state.app;
  }

  createWorkspace(options: CreateWorkspaceOptions): WorkspaceView {
    return createWorkspace(this.state, options);
  }

  /** A person (or another app's bot user) joins the workspace; returns their id. */
  addUser(teamId: string, user: { name: string; isAdmin?: boolean; isOwner?: boolean; isBot?: boolean }): string {
    return addUser(this.state, teamId, user);
  }
  /** An admin deactivates a person: users.info and users.list show them `deleted: true`. */
  deactivateUser(teamId: string, userId: string): void {
    const user = this.state.workspace(teamId).users.get(userId);
    if (!user) throw new Error(`Slack emulator: no user ${userId} in ${teamId}`);
    user.deleted = true;
  }

  /** Installs the app without OAuth (the single-token setup): a bot token for the workspace. */
  installApp(teamId: string, options: InstallOptions): InstallResult {
    return installApp(this.state, teamId, options);
  }

  // Drivers: Slack and its people acting on the app.
  slashCommand(input: drivers.SlashCommandInput): Promise<drivers.InteractionResult> {
    return drivers.slashCommand(this.driverContext, input);
  }
  clickButton(input: drivers.ClickButtonInput): Promise<drivers.InteractionResult> {
    return drivers.clickButton(this.driverContext, input);
  }
  sendEvent(teamId: string, event: Record<string, unknown>, options?: SigningOptions & { retries?: boolean }): Promise<drivers.EventResult> {
    return drivers.sendEvent(this.driverContext, teamId, event, options);
  }
  urlVerification(options?: SigningOptions): Promise<DeliveryResult & { challenge: string }> {
    return drivers.urlVerification(this.driverContext, options);
  }
  /** "Allow" on the install page: the redirect URL `redirect_uri?code=…&state=…`. */
  authorize(input: drivers.AuthorizeInput): string {
    return drivers.authorize(this.driverContext, input);
  }
  /** The app is removed from the workspace: tokens answer account_inactive, then app_uninstalled. */
  uninstall(teamId: string): Promise<drivers.EventResult> {
    return drivers.uninstall(this.driverContext, teamId);
  }
  /** The workspace's tokens are revoked: they answer token_revoked, then tokens_revoked. */
  revokeTokens(teamId: string): Promise<drivers.EventResult> {
    return drivers.revoke(this.driverContext, teamId);
  }
  /** Sends a request to the app again, byte for byte (a replay). */
  replay(request: SentRequest): Promise<DeliveryResult> {
    return this.deliverer.send(request);
  }

  // Faults.
  /** The next call of `method` answers `{ ok: false, error }`. */
  failNext(method: string, error: string): void {
    const queue = this.failures.get(method) ?? [];
    queue.push(error);
    this.failures.set(method, queue);
  }
  /** The next `count` calls (of `method`, or any) get no answer until `clearFaults()` or `ms`. */
  hang(method?: string, options: { count?: number; ms?: number } = {}): void {
    const fault: Fault = options.ms === undefined ? { kind: 'hang' } : { kind: 'hang', ms: options.ms };
    this.server.failNext(fault, { count: options.count ?? 1, ...(method ? { match: (req) => req.path === `/api/${method}` } : {}) });
  }
  clearFaults(): void {
    this.failures.clear();
    this.server.clearFaults();
  }
  /** Answers a `share` (0..1) of `method`'s calls (chat.postMessage by default) 429 with Retry-After `retryAfterSeconds` (1). */
  inject429(share: number, method?: string, retryAfterSeconds?: number): void {
    this.limiter.inject(share, method, retryAfterSeconds);
  }
  rateStats(): SlackRateStats {
    return this.limiter.stats();
  }

  // Inspection.
  messagesIn(channelId: string): SlackMessage[] {
    return this.state.messages.get(channelId) ?? [];
  }
  /** Replies in a thread, oldest first. */
  threadOf(channelId: string, ts: string): SlackMessage[] {
    return this.messagesIn(channelId).filter((m) => m.threadTs === ts && m.ts !== ts);
  }
  /** Ephemeral messages a person sees (in a channel, when given), oldest first, deleted ones left out. */
  ephemeralsFor(userId: string, channelId?: string): EphemeralMessage[] {
    return this.state.ephemerals.filter((e) => e.user === userId && !e.deleted && (channelId === undefined || e.channel === channelId));
  }
  /** The DM channel id between a person and the app (made if needed). */
  dmChannel(teamId: string, userId: string): string {
    return this.state.dmWith(this.state.workspace(teamId), userId).id;
  }
  /** A file the app uploaded, with its bytes. */
  file(fileId: string): SlackFile | undefined {
    return this.state.files.get(fileId);
  }
  callsTo(method: string): ApiCall[] {
    return this.state.calls.filter((c) => c.method === method);
  }

  /** Forgets workspaces, messages, calls, codes, response URLs, faults and rate windows (the app stays). */
  reset(): void {
    this.state.reset();
    this.codes.clear();
    this.responses.clear();
    this.failures.clear();
    this.limiter.reset();
    this.server.resetBase();
  }
}

/** A started emulator. */
export async function startSlackEmulator(options?: SlackEmulatorOptions): Promise<SlackEmulator> {
  const emulator = new SlackEmulator(options);
  await emulator.start();
  return emulator;
}

