// The Telegram Bot API emulator: a loopback server the real grammy client cannot tell from
// Telegram on the paths Signalcast uses, with drivers for the outside world and inspection.
import { randomBytes } from 'node:crypto';
import type { BotCommand, CallbackQuery, ChatInviteLink, Message, Update } from 'grammy/types';
import { systemClock, type Clock } from '../../core/clock';
import { EmulatorServer, type EmulatorRequest, type EmulatorResponse, type Fault, type RecordedRequest } from '../base/emulator';
import * as drivers from './drivers';
import { faultToError, notFound, TelegramApiError, toErrorResponse, unauthorized } from './errors';
import { defaultTelegramLimits, type LimitStats, type TelegramLimits } from './limits';
import type { JoinOutcome } from './membership';
import { Described } from './methods/method';
import { findMethod } from './methods';
import { toInviteLink } from './objects';
import { readParams } from './params';
import { commandKey, type CallbackQueryRecord, type MemberStatus, type UserRecord } from './state';
import type { UpdateLogEntry } from './updates';
import type { WebhookAttempt } from './webhook';
import { createWorld, resetWorld, type TelegramWorld } from './world';

export interface TelegramEmulatorOptions {
  /** "<bot id>:<secret>"; a random one for bot id 7000000001 when absent. */
  token?: string;
  botUsername?: string;
  botName?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Dates, limits, link expiry, bans and long-poll timeouts follow this clock. */
  clock?: Clock;
  /** Flood limits; defaults are Telegram's (1/s per chat, 20/min per group, 30/s overall). */
  limits?: Partial<TelegramLimits>;
  /** How long a failed webhook delivery waits before the next try. Default 1000 ms. */
  webhookRetryMs?: number;
}

/** A member of a chat as the emulator holds it. */
export interface MemberView {
  userId: number;
  status: MemberStatus;
  /** For 'kicked': Unix time the ban ends, 0 for ever. */
  untilDate: number;
  joinedVia?: string | undefined;
}

/** An invite link with what the API does not show: its chat and how many are in through it. */
export interface InviteLinkView extends ChatInviteLink {
  chatId: number;
  membersJoined: number;
}

export interface ChannelView {
  id: number;
  type: 'channel' | 'supergroup';
  title: string;
  username?: string | undefined;
}

const SEND_METHODS = new Set(['sendmessage', 'sendphoto']);
const TOKEN_SHAPE = /^(\d+):[A-Za-z0-9_-]{20,}$/;

function methodOf(path: string): string {
  return (path.split('/').pop() ?? '').toLowerCase();
}

/**
 * One emulated bot and its world. Point grammy at `apiRoot` with `token`; act as users with the
 * drivers (userSends, userPressesButton, userJoinsWithLink, ...); read what happened with the
 * inspection methods (sentMessages, members, inviteLinks, stats, ...).
 */
export class TelegramEmulator {
  readonly token: string;
  readonly botId: number;
  readonly server: EmulatorServer;
  private readonly bot: UserRecord;
  private readonly world: TelegramWorld;
  private readonly injected = { rateLimited: 0 };

  constructor(options: TelegramEmulatorOptions = {}) {
    this.token = options.token ?? `7000000001:AA${randomBytes(24).toString('base64url')}`;
    const shape = TOKEN_SHAPE.exec(this.token);
    if (!shape) throw new Error('Telegram emulator: token must look like "<bot id>:<secret of 20+ characters A-Z a-z 0-9 _ ->"');
    this.botId = Number(shape[1]);
    this.bot = {
      id: this.botId,
      isBot: true,
      firstName: options.botName ?? 'Signalcast',
      username: options.botUsername ?? 'signalcast_bot',
      startedBot: false,
      blockedBot: false,
      deactivated: false,
    };
    this.world = createWorld({
      bot: this.bot,
      clock: options.clock ?? systemClock,
      limits: { ...defaultTelegramLimits, ...options.limits },
      webhookRetryMs: options.webhookRetryMs ?? 1000,
    });
    this.server = new EmulatorServer({ name: 'telegram', port: options.port ?? 0, renderFault: (fault, req) => this.renderFault(fault, req) });
    this.server.route('*', '/bot:token/:method', (req) => this.handle(req));
    this.server.route('*', '/*', () => toErrorResponse(notFound()));
  }

  /** Give this to grammy as `client.apiRoot` (no trailing slash). */
  get apiRoot(): string {
    return this.server.url;
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  async stop(): Promise<void> {
    this.world.webhook.stop();
    this.world.updates.cancelPolls('empty');
    await this.server.stop();
  }

  /** Forgets every user, chat, link, message, update, request and fault; the bot and token stay. */
  reset(): void {
    resetWorld(this.world, this.bot);
    this.server.resetBase();
    this.injected.rateLimited = 0;
  }

  // --- drivers: the outside world -------------------------------------------------------------

  addUser(userId: number, profile: drivers.UserProfile & { startedBot?: boolean } = {}): void {
    drivers.addUser(this.world, userId, profile);
  }

  userSends(userId: number, text: string, options: { chatId?: number; profile?: drivers.UserProfile } = {}): Message {
    return drivers.userSends(this.world, userId, text, options);
  }

  userPressesButton(userId: number, messageId: number, data: string, options: { chatId?: number } = {}): CallbackQuery {
    return drivers.userPressesButton(this.world, userId, messageId, data, options);
  }

  userJoinsWithLink(userId: number, link: string): JoinOutcome {
    return drivers.userJoinsWithLink(this.world, userId, link);
  }

  userBlocksBot(userId: number): void {
    drivers.userBlocksBot(this.world, userId);
  }

  userUnblocksBot(userId: number): void {
    drivers.userUnblocksBot(this.world, userId);
  }

  userDeactivates(userId: number): void {
    drivers.userDeactivates(this.world, userId);
  }

  userLeaves(userId: number, chatId: number): boolean {
    return drivers.userLeaves(this.world, userId, chatId);
  }

  createChannel(options: drivers.CreateChannelOptions): ChannelView {
    const chat = drivers.createChannel(this.world, options);
    return { id: chat.id, type: chat.type as ChannelView['type'], title: chat.title ?? '', username: chat.username };
  }

  /** The next `count` calls (of `method`, when given) get `fault`, rendered in Telegram's shape. */
  failNext(fault: Fault, options: { method?: string; count?: number; match?: (req: RecordedRequest) => boolean } = {}): void {
    const method = options.method?.toLowerCase();
    const match = options.match;
    this.server.failNext(fault, {
      count: options.count ?? 1,
      match: (req) => (method === undefined || methodOf(req.path) === method) && (!match || match(req)),
    });
  }

  // --- inspection -------------------------------------------------------------------------------

  /** Messages the bot sent, in order, as they are now (edits included); only those in `chatId` when given. */
  sentMessages(chatId?: number): Message[] {
    const { state } = this.world;
    return state.sentLog
      .filter((s) => chatId === undefined || s.chatId === chatId)
      .map((s) => state.chats.get(s.chatId)?.messages.get(s.messageId))
      .filter((m): m is Message => m !== undefined);
  }

  /** Every message in a chat, both ways, in order. */
  messages(chatId: number): Message[] {
    return [...(this.world.state.chats.get(chatId)?.messages.values() ?? [])];
  }

  members(chatId: number): MemberView[] {
    const chat = this.world.state.chats.get(chatId);
    if (!chat) return [];
    return [...chat.members.keys()].map((userId) => ({ userId, ...this.world.membership.memberOf(chat, userId) }));
  }

  memberStatus(chatId: number, userId: number): MemberStatus {
    const chat = this.world.state.chats.get(chatId);
    return chat ? this.world.membership.memberOf(chat, userId).status : 'left';
  }

  isMember(chatId: number, userId: number): boolean {
    const chat = this.world.state.chats.get(chatId);
    return chat ? this.world.membership.isMember(chat, userId) : false;
  }

  inviteLinks(chatId?: number): InviteLinkView[] {
    const { state, membership } = this.world;
    return [...state.links.values()]
      .filter((l) => chatId === undefined || l.chatId === chatId)
      .map((l) => ({ ...toInviteLink(state, l), chatId: l.chatId, membersJoined: membership.membersVia(l) }));
  }

  /** User ids with a pending join request in the chat. */
  joinRequests(chatId: number): number[] {
    return [...(this.world.state.chats.get(chatId)?.joinRequests.keys() ?? [])];
  }

  callbackQueries(): CallbackQueryRecord[] {
    return [...this.world.state.callbackQueries.values()];
  }

  /** The command menu set for a scope (default) and language. */
  commands(scope?: object, languageCode?: string): BotCommand[] {
    return this.world.state.commands.get(commandKey(scope, languageCode)) ?? [];
  }

  /** Every update produced, including those allowed_updates dropped. */
  get updateLog(): UpdateLogEntry[] {
    return this.world.updates.log;
  }

  /** Updates waiting to be fetched or delivered. */
  get pendingUpdates(): Update[] {
    return this.world.updates.peek(100);
  }

  get webhookAttempts(): WebhookAttempt[] {
    return this.world.webhook.attempts;
  }

  /** Resolves when webhook delivery has nothing more to do for now. */
  async webhookSettled(): Promise<void> {
    await this.world.webhook.settled();
  }

  get stats(): LimitStats {
    return { ...this.world.limiter.stats, injectedRateLimited: this.injected.rateLimited };
  }

  get requests(): RecordedRequest[] {
    return this.server.requests;
  }

  /** Recorded calls of one method (any case). */
  calls(method: string): RecordedRequest[] {
    return this.server.requests.filter((r) => methodOf(r.path) === method.toLowerCase());
  }

  // --- HTTP -------------------------------------------------------------------------------------

  private async handle(req: EmulatorRequest): Promise<EmulatorResponse> {
    try {
      if (req.params.token !== this.token) throw unauthorized();
      const method = findMethod(req.params.method ?? '');
      if (!method) throw notFound();
      const result = await method({ world: this.world, params: readParams(req), signal: req.signal });
      return result instanceof Described
        ? { body: { ok: true, result: result.result, description: result.description } }
        : { body: { ok: true, result } };
    } catch (err) {
      if (err instanceof TelegramApiError) return toErrorResponse(err);
      return toErrorResponse(new TelegramApiError(500, `Internal Server Error: ${(err as Error).message}`));
    }
  }

  private renderFault(fault: Exclude<Fault, { kind: 'hang' }>, req: RecordedRequest): EmulatorResponse {
    const error = faultToError(fault);
    if (fault.kind === 'rate_limit') {
      this.injected.rateLimited += 1;
      // Like a real 429, the retry_after binds the chat (or everyone) for later requests too.
      const retryAfter = error.parameters?.retry_after ?? 1;
      if (fault.global) this.world.limiter.penalize('global', retryAfter);
      else if (SEND_METHODS.has(methodOf(req.path))) {
        const chat = this.chatOf(req);
        if (chat !== undefined) this.world.limiter.penalize(chat, retryAfter);
      }
    }
    return toErrorResponse(error);
  }

  private chatOf(req: RecordedRequest): number | undefined {
    const body = req.body;
    const raw = body instanceof URLSearchParams ? body.get('chat_id') : (body as { chat_id?: unknown } | undefined)?.chat_id;
    if (raw === undefined || raw === null) return undefined;
    return this.world.state.findChat(typeof raw === 'string' && raw.startsWith('@') ? raw : Number(raw))?.id;
  }
}

/** Starts an emulator on a free loopback port (or `options.port`). */
export async function startTelegramEmulator(options: TelegramEmulatorOptions = {}): Promise<TelegramEmulator> {
  return new TelegramEmulator(options).start();
}
