// The Discord emulator: REST v10 at /api/v10 on the shared emulator base, with Discord's auth,
// errors and rate-limit headers, over the state the gateway also reads; drivers for tests.
import { randomBytes } from 'node:crypto';
import type { APIMessage } from 'discord-api-types/v10';
import { systemClock, type Clock } from '../../core/clock';
import { EmulatorServer, type EmulatorRequest, type EmulatorResponse, type Fault } from '../base/emulator';
import * as drivers from './drivers';
import { InteractionBook, pressButton, runCommand, type InteractionRecord } from './interactions';
import { gatewayWorld, type GatewayWorldView } from './guild-payload';
import { DiscordApiError, discordErrors, errorResponse } from './errors';
import { DiscordRateLimiter, rateLimitBody, type DiscordLimits, type Injected429, type RateLimitStats } from './rate-limits';
import { applicationRoutes } from './routes/application';
import { guildRoutes } from './routes/guilds';
import { interactionRoutes } from './routes/interactions';
import { messageRoutes } from './routes/messages';
import { matchRoute, type DiscordRoute } from './routes/route';
import { DiscordState, type DispatchListener } from './state';
import { readMessageBody } from './uploads';

export interface DiscordEmulatorOptions {
  /** A random bot token when absent. */
  token?: string;
  botName?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  clock?: Clock;
  limits?: Partial<DiscordLimits>;
  /** What `GET /gateway/bot` answers; the gateway plugs its ws:// URL in here. */
  gatewayUrl?: string | (() => string);
  /** IDENTIFYs left today, for `session_start_limit.remaining` (the gateway plugs its count in). */
  remainingIdentifies?: () => number;
}

function renderFault(fault: Exclude<Fault, { kind: 'hang' }>): EmulatorResponse {
  switch (fault.kind) {
    case 'rate_limit':
      return {
        status: 429,
        headers: { 'retry-after': String(Math.ceil(fault.retryAfterSeconds)), 'x-ratelimit-scope': fault.global ? 'global' : 'user', ...(fault.global ? { 'x-ratelimit-global': 'true' } : {}) },
        body: { message: 'You are being rate limited.', retry_after: fault.retryAfterSeconds, global: fault.global ?? false },
      };
    case 'server_error':
      return { status: fault.status ?? 500, body: { message: '500: Internal Server Error', code: 0 } };
    case 'platform_error':
      return { status: fault.status, body: { message: fault.description, code: Number(fault.code ?? 0) } };
  }
}

/**
 * One emulated Discord with one bot. Point discord.js at `apiUrl` (`rest: { api }`) with `token`;
 * act as people with the drivers (createGuild, memberJoins, ...); read what happened with
 * `messagesIn`, `member`, `state`; listen to changes with `onDispatch`.
 */
export class DiscordEmulator {
  readonly token: string;
  readonly server: EmulatorServer;
  /** Everything the emulator knows; the gateway reads it. */
  readonly state: DiscordState;
  readonly limiter: DiscordRateLimiter;
  /** Interactions the drivers made and how the bot answered each. */
  readonly interactions = new InteractionBook();
  private readonly routes: DiscordRoute[];
  private gatewayUrl: () => string;
  private remainingIdentifies: () => number;

  constructor(options: DiscordEmulatorOptions = {}) {
    const clock = options.clock ?? systemClock;
    this.state = new DiscordState({ clock, ...(options.botName ? { botName: options.botName } : {}) });
    this.token = options.token ?? `${Buffer.from(this.state.bot.id).toString('base64url')}.${randomBytes(4).toString('base64url')}.${randomBytes(27).toString('base64url')}`;
    this.limiter = new DiscordRateLimiter(clock, options.limits);
    const url = options.gatewayUrl ?? 'ws://127.0.0.1:0/gateway-not-wired';
    this.gatewayUrl = typeof url === 'string' ? () => url : url;
    this.remainingIdentifies = options.remainingIdentifies ?? (() => 1000);
    this.routes = [
      ...applicationRoutes({ url: () => this.gatewayUrl(), remainingIdentifies: () => this.remainingIdentifies() }),
      ...messageRoutes,
      ...guildRoutes,
      ...interactionRoutes(this.interactions),
    ];
    this.server = new EmulatorServer({ name: 'discord', port: options.port ?? 0, renderFault });
    this.server.route('*', '/api/v10/*', (req) => this.handle(req));
  }

  async start(): Promise<string> {
    return this.server.start();
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  /** `rest: { api }` for discord.js and @discordjs/rest. */
  get apiUrl(): string {
    return `${this.server.url}/api`;
  }

  get applicationId(): string {
    return this.state.applicationId;
  }

  /** Changes what `GET /gateway/bot` answers: the URL, and the IDENTIFYs left today when given. */
  setGatewayUrl(url: string | (() => string), remainingIdentifies?: () => number): void {
    this.gatewayUrl = typeof url === 'string' ? () => url : url;
    if (remainingIdentifies) this.remainingIdentifies = remainingIdentifies;
  }

  /** The state as the gateway reads it (its `GatewayWorld`). */
  gatewayWorld(): GatewayWorldView {
    return gatewayWorld(this.state, this.token);
  }

  /** Hears every change a gateway would dispatch (GUILD_MEMBER_ADD, GUILD_ROLE_UPDATE, ...). */
  onDispatch(listener: DispatchListener): () => void {
    return this.state.onDispatch(listener);
  }

  /** Answers 429s on purpose: the next `count` requests or a `share` of them, with the scope given. */
  inject429(injection: Injected429): void {
    this.limiter.inject(injection);
  }

  stats(): RateLimitStats & { requests: number } {
    return { ...this.limiter.stats(), requests: this.server.requests.length };
  }

  // Drivers (see drivers.ts).
  createGuild(options?: drivers.CreateGuildOptions): drivers.GuildView {
    return drivers.createGuild(this.state, options);
  }
  createUser(username: string, id?: string): string {
    return drivers.createUser(this.state, username, id);
  }
  memberJoins(guildId: string, person?: { userId?: string; username?: string }): string {
    return drivers.memberJoins(this.state, guildId, person);
  }
  memberLeaves(guildId: string, userId: string): void {
    drivers.memberLeaves(this.state, guildId, userId);
  }
  /** A person writes in a channel, or in their DMs with the bot: MESSAGE_CREATE for bots with the message intents. */
  userWrites(input: Parameters<typeof drivers.userWrites>[1]): APIMessage {
    return drivers.userWrites(this.state, input);
  }
  closeDms(userId: string, closed = true): void {
    drivers.closeDms(this.state, userId, closed);
  }
  moveRole(guildId: string, roleId: string, position: number): void {
    drivers.moveRole(this.state, guildId, roleId, position);
  }
  moveRoleAboveBot(guildId: string, roleId: string): void {
    drivers.moveRoleAboveBot(this.state, guildId, roleId);
  }
  deleteRole(guildId: string, roleId: string): void {
    drivers.deleteRole(this.state, guildId, roleId);
  }
  giveRoleByHand(guildId: string, userId: string, roleId: string): void {
    drivers.setRoleByHand(this.state, guildId, userId, roleId, true);
  }

  /** A member runs a slash command (registered first) in a guild channel: INTERACTION_CREATE. */
  runCommand(input: Parameters<typeof runCommand>[2]): InteractionRecord {
    return runCommand(this.state, this.interactions, input);
  }
  /** A member presses a button on the bot's message: INTERACTION_CREATE. */
  pressButton(input: Parameters<typeof pressButton>[2]): InteractionRecord {
    return pressButton(this.state, this.interactions, input);
  }

  // Inspection.
  messagesIn(channelId: string): APIMessage[] {
    return this.state.messages.get(channelId) ?? [];
  }
  /** The bytes of an attachment the bot uploaded. */
  attachmentBytes(attachmentId: string): Buffer | undefined {
    return this.state.attachmentData.get(attachmentId);
  }
  /** The member's role ids, or undefined when not in the guild. */
  memberRoles(guildId: string, userId: string): string[] | undefined {
    return this.state.guilds.get(guildId)?.members.get(userId)?.roles;
  }

  /** Forgets state, recorded requests, faults and rate-limit windows (the bot stays). */
  reset(): void {
    this.state.reset();
    this.interactions.clear();
    this.limiter.reset();
    this.server.resetBase();
  }

  private handle(req: EmulatorRequest): EmulatorResponse {
    const matched = matchRoute(this.routes, req.method, `/${req.params.rest ?? ''}`);
    if (!matched) return errorResponse(discordErrors.notFound());
    if (!matched.route.noAuth && req.headers.authorization !== `Bot ${this.token}`) {
      this.limiter.countInvalid();
      return errorResponse(discordErrors.unauthorized());
    }
    const decision = this.limiter.check(matched.key, matched.major, { global: !matched.route.noAuth });
    if (decision.refused) return { status: 429, headers: decision.headers, body: rateLimitBody(decision.refused) };
    try {
      const { body: input, files } = readMessageBody(req.rawBody, req.headers['content-type'] as string | undefined, req.body);
      const body = matched.route.handler({ state: this.state, params: matched.params, query: req.query, body: input, files });
      if (body === undefined) return { status: 204, headers: decision.headers };
      return { status: 200, headers: decision.headers, body };
    } catch (err) {
      if (!(err instanceof DiscordApiError)) throw err;
      if (err.status === 401 || err.status === 403) this.limiter.countInvalid();
      const answer = errorResponse(err);
      return { ...answer, headers: decision.headers };
    }
  }
}

/** A started emulator. */
export async function startDiscordEmulator(options?: DiscordEmulatorOptions): Promise<DiscordEmulator> {
  const emulator = new DiscordEmulator(options);
  await emulator.start();
  return emulator;
}
