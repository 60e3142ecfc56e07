// The test platform: a chat service on loopback with its own small JSON protocol, limits it enforces, gated access and a webhook.
//
// Protocol (every call: `Authorization: Bearer <token>`, JSON bodies; ids are strings):
//   POST   /v1/messages      {chat, tenant?, direct?, text, buttons?, reply_to?} -> 200 {id, chat}
//          buttons: rows of {label, url} (a link) or {label, data} (comes back as a `button` event)
//   PATCH  /v1/messages/:id  {text, buttons?}                                    -> 200 {id}
//   GET    /v1/me                                                               -> 200 {id, username, name}
//   PUT    /v1/webhook       {url}: where events go; DELETE /v1/webhook stops them -> 200 {url}
//   PUT|DELETE|GET /v1/chats/:chat/members/:user                                -> 200 {member, changed}
//   PUT|DELETE /v1/tenants/:tenant/members/:user/roles/:role                     -> 200 {has_role, changed}
//   GET    /v1/tenants/:tenant/members/:user                                     -> 200 {roles}
// Errors: {error: {code, message, scope?, retry_after_ms?}} with the HTTP status:
//   400 invalid_request | buttons_unsupported; 401 unauthorized; 403 blocked | missing_permission | hierarchy;
//   404 chat_not_found | unknown_message | unknown_member | unknown_role | unknown_tenant;
//   429 rate_limited (scope 'chat' or 'global', retry_after_ms, and a Retry-After header); 5xx server_error.
// Events to the webhook: POST {id, type, ...} (see events.ts) with `x-testchat-signature: sha256=<HMAC-SHA256(token, body)>`;
//   the bot answers the call once it has handled the event, so a driver (say, pressButton, ...) resolves after the replies.
import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../../core/clock';
import type { PlatformWindows } from '../../core/delivery/chat-platform';
import { EmulatorServer, type EmulatorRequest, type EmulatorResponse, type Fault } from '../base/emulator';
import { AccessWorld, isRefusal } from './access';
import { checkButtons, type WireButton } from './buttons';
import { postEvent, type WebhookCall, type WireChat, type WireEvent, type WireUser } from './events';
import { ArrivalJudge } from './limits';
import { emptyStats, errorAnswer, faultScope, field, isSend, MAX_TEXT, tooManyRequests, type TestchatFault, type TestchatStats } from './protocol';
import { seededRandom } from './random';

export type { TestchatFault, TestchatStats } from './protocol';

export interface TestchatOptions {
  /** The bot token callers present as `Bearer <token>`; a random one when absent. */
  token?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Arrival times and penalties follow this clock. */
  clock?: Clock;
  /** Windows enforced with 429s (group chats are chat ids starting with '-'); none when absent. */
  limits?: PlatformWindows;
  /** Answer a share of otherwise good sends with 429, from a seeded random source. */
  inject429?: { rate: number; retryAfterSeconds?: number; seed?: number };
  /** false: this testchat has no buttons, and a message carrying some is refused (400 buttons_unsupported). Default true. */
  buttons?: boolean;
}

/** A message the platform accepted, as it stands now (after any edits). */
export interface AcceptedMessage {
  messageId: number;
  chatId: string;
  text: string;
  /** Arrival time on the emulator's clock. */
  at: number;
  tenant?: string;
  direct?: boolean;
  buttons?: WireButton[][];
  replyTo?: string;
  /** The texts it had before each edit, oldest first. */
  earlier?: string[];
}

type ChatStatus = 'blocked' | 'gone';

export class TestchatEmulator {
  readonly token: string;
  readonly server: EmulatorServer;
  readonly messages: AcceptedMessage[] = [];
  /** The gated chats and tenants: the drivers below change them as people and admins would. */
  readonly access = new AccessWorld();
  /** Every webhook call, oldest first. */
  readonly webhookCalls: WebhookCall[] = [];
  private readonly clock: Clock;
  private judge: ArrivalJudge;
  private random: () => number;
  private counters = emptyStats();
  private readonly seen = new Set<string>();
  private readonly chatStatus = new Map<string, ChatStatus>();
  private hold: Promise<void> | undefined;
  private nextMessageId = 1;
  private nextEventId = 1;
  private webhookUrl: string | undefined;
  /** Every text shown in each chat: sends and edits, in order. */
  private readonly log: { chatId: string; text: string }[] = [];

  constructor(private readonly options: TestchatOptions = {}) {
    this.token = options.token ?? `testchat-${randomBytes(12).toString('hex')}`;
    this.clock = options.clock ?? systemClock;
    this.judge = new ArrivalJudge(options.limits ?? {});
    this.random = seededRandom(options.inject429?.seed ?? 1);
    this.server = new EmulatorServer({ name: 'testchat', port: options.port ?? 0, renderFault: (fault, req) => this.renderFault(fault, req) });
    const api = (method: string, path: string, handler: (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>) =>
      this.server.route(method, path, (req) => (req.headers.authorization === `Bearer ${this.token}` ? handler(req) : errorAnswer(401, 'unauthorized', 'the token was refused')));
    api('POST', '/v1/messages', (req) => this.handleSend(req));
    api('PATCH', '/v1/messages/:id', (req) => this.edit(req.params.id ?? '', req.body));
    api('GET', '/v1/me', () => ({ body: { id: 'bot', username: 'testchat_bot', name: 'Testchat' } }));
    api('PUT', '/v1/webhook', (req) => {
      const url = field(req.body, 'url');
      if (!url || !/^https?:\/\//.test(url)) return errorAnswer(400, 'invalid_request', 'url must be an http(s) URL');
      this.webhookUrl = url;
      return { body: { url } };
    });
    api('DELETE', '/v1/webhook', () => {
      this.webhookUrl = undefined;
      return { body: { url: null } };
    });
    for (const method of ['PUT', 'DELETE', 'GET']) {
      api(method, '/v1/chats/:chat/members/:user', ({ params }) => {
        const chat = params.chat ?? '';
        const user = params.user ?? '';
        if (method === 'GET') return { body: { member: this.access.isMember(chat, user), changed: false } };
        const result = this.access.setMember(chat, user, method === 'PUT');
        return isRefusal(result) ? errorAnswer(result.status, result.code, result.message) : { body: { member: result.holds, changed: result.changed } };
      });
    }
    for (const method of ['PUT', 'DELETE']) {
      api(method, '/v1/tenants/:tenant/members/:user/roles/:role', ({ params }) => {
        const result = this.access.setRoleOf(params.tenant ?? '', params.user ?? '', params.role ?? '', method === 'PUT');
        return isRefusal(result) ? errorAnswer(result.status, result.code, result.message) : { body: { has_role: result.holds, changed: result.changed } };
      });
    }
    api('GET', '/v1/tenants/:tenant/members/:user', ({ params }) => ({ body: { roles: this.access.rolesOf(params.tenant ?? '', params.user ?? '') } }));
    this.server.route('GET', '/__control/stats', () => ({ body: this.stats() }));
    this.server.route('GET', '/__control/messages', () => ({ body: { messages: this.messages } }));
    this.server.route('POST', '/__control/reset', () => {
      this.reset();
      return { body: { ok: true } };
    });
    this.server.route('POST', '/__control/chats/:chatId', (req) => {
      const status = field(req.body, 'status');
      if (status !== 'blocked' && status !== 'gone' && status !== 'ok') return { status: 400, body: { error: 'status must be blocked, gone or ok' } };
      this.setChat(req.params.chatId ?? '', status);
      return { body: { ok: true } };
    });
  }

  get url(): string {
    return this.server.url;
  }

  async start(): Promise<string> {
    return this.server.start();
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  stats(): TestchatStats {
    return { ...this.counters, violationsByKind: { ...this.counters.violationsByKind } };
  }

  /** Forgets messages, counters, windows, penalties, chat states, access, the webhook and faults; settings stay. */
  reset(): void {
    this.messages.length = 0;
    this.log.length = 0;
    this.webhookCalls.length = 0;
    this.counters = emptyStats();
    this.seen.clear();
    this.chatStatus.clear();
    this.access.reset();
    this.judge = new ArrivalJudge(this.options.limits ?? {});
    this.random = seededRandom(this.options.inject429?.seed ?? 1);
    this.nextMessageId = 1;
    this.webhookUrl = undefined;
    this.server.resetBase();
  }

  /** The user blocked the bot: 403 blocked. */
  blockChat(chatId: string): void {
    this.setChat(chatId, 'blocked');
  }

  /** The chat no longer exists: 404 chat_not_found. */
  removeChat(chatId: string): void {
    this.setChat(chatId, 'gone');
  }

  /** The next `count` sends (to `chatId` when given) get `fault` instead of an answer. */
  failNext(fault: TestchatFault, options: { count?: number; chatId?: string } = {}): void {
    this.server.failNext(fault, {
      count: options.count ?? 1,
      match: (req) => isSend(req) && (options.chatId === undefined || field(req.body, 'chat') === options.chatId),
    });
  }

  /** Sends are judged on arrival but not answered until the returned function is called. */
  holdAnswers(): () => void {
    let release = () => {};
    this.hold = new Promise<void>((resolve) => {
      release = () => {
        this.hold = undefined;
        resolve();
      };
    });
    return release;
  }

  /** The messages a chat holds now, oldest first. */
  chatMessages(chatId: string): AcceptedMessage[] {
    return this.messages.filter((m) => m.chatId === chatId);
  }

  /** Every text a person in the chat saw, in order: each message as sent, then each edit as it came. */
  transcript(chatId: string): string[] {
    return this.log.filter((e) => e.chatId === chatId).map((e) => e.text);
  }

  // --- drivers: people and admins acting ------------------------------------------------------

  /** A person's direct messages with the bot, as a chat. */
  static direct(userId: string): WireChat {
    return { id: userId, direct: true };
  }

  /** `user` writes `text` (a command when it starts with "/") in `chat`; resolves to the webhook's answer status. */
  async say(user: WireUser | string, chat: WireChat | string, text: string): Promise<number> {
    const message_id = String(this.nextMessageId++);
    return this.emit({ type: 'message', user: toUser(user), chat: toChat(chat), message_id, text });
  }

  /** `user` sends a command such as "/start ref_1". */
  async command(user: WireUser | string, chat: WireChat | string, text: string): Promise<number> {
    if (!text.startsWith('/')) throw new Error('testchat emulator: a command starts with "/"');
    return this.say(user, chat, text);
  }

  /** `user` presses the button carrying `data` under message `messageId`; throws when that message has no such button. */
  async pressButton(user: WireUser | string, messageId: string, data: string): Promise<number> {
    const message = this.messages.find((m) => String(m.messageId) === messageId);
    if (!message?.buttons?.some((row) => row.some((b) => 'data' in b && b.data === data))) throw new Error(`testchat emulator: message ${messageId} has no button ${data}`);
    const chat: WireChat = { id: message.chatId, tenant: message.tenant, direct: message.direct };
    return this.emit({ type: 'button', user: toUser(user), chat, message_id: messageId, data });
  }

  /** `user` joins a gated chat on their own (or an admin adds them). */
  async memberJoins(chatId: string, user: WireUser | string): Promise<number> {
    const u = toUser(user);
    return this.access.setMemberByHand(chatId, u.id, true) ? this.emit({ type: 'member_joined', user: u, chat: { id: chatId } }) : 0;
  }

  /** `user` leaves a gated chat (or `byAdmin`: is removed from it). */
  async memberLeaves(chatId: string, user: WireUser | string, options: { byAdmin?: boolean } = {}): Promise<number> {
    const u = toUser(user);
    if (!this.access.setMemberByHand(chatId, u.id, false)) return 0;
    return this.emit({ type: options.byAdmin ? 'member_removed' : 'member_left', user: u, chat: { id: chatId } });
  }

  /** An admin gives (or takes) a role by hand, whatever its position. */
  async roleByHand(tenantId: string, user: WireUser | string, roleId: string, has = true): Promise<number> {
    const u = toUser(user);
    if (!this.access.setRoleByHand(tenantId, u.id, roleId, has)) return 0;
    return this.emit({ type: has ? 'role_added' : 'role_removed', user: u, tenant: tenantId, role: roleId });
  }

  /** An admin moves a role to `position` (at or above the bot's own: the bot may no longer give it). */
  moveRole(tenantId: string, roleId: string, position: number): void {
    this.access.setRole(tenantId, roleId, position);
  }

  /** An admin deletes a role: nobody holds it any more. */
  deleteRole(tenantId: string, roleId: string): void {
    this.access.deleteRole(tenantId, roleId);
  }

  /** The person blocks the bot (its messages to them get 403 blocked), or unblocks it. */
  async userBlocksBot(user: WireUser | string, blocked = true): Promise<number> {
    const u = toUser(user);
    this.setChat(u.id, blocked ? 'blocked' : 'ok');
    return this.emit({ type: blocked ? 'bot_blocked' : 'bot_unblocked', user: u });
  }

  private async emit(event: WireEvent): Promise<number> {
    const withId = { ...event, id: `evt_${this.nextEventId++}` };
    const status = this.webhookUrl ? await postEvent(this.webhookUrl, this.token, withId) : 0;
    this.webhookCalls.push({ event: withId, status });
    return status;
  }

  // --- the protocol ---------------------------------------------------------------------------

  private setChat(chatId: string, status: ChatStatus | 'ok'): void {
    if (status === 'ok') this.chatStatus.delete(chatId);
    else this.chatStatus.set(chatId, status);
  }

  private async handleSend(req: EmulatorRequest): Promise<EmulatorResponse> {
    const answer = this.send(req.body);
    if (this.hold) await this.hold;
    return answer;
  }

  private send(body: unknown): EmulatorResponse {
    this.counters.requests++;
    const chatId = field(body, 'chat');
    const text = field(body, 'text');
    if (!chatId) return errorAnswer(400, 'invalid_request', 'chat is required');
    if (!text || text.trim() === '') return errorAnswer(400, 'invalid_request', 'text is empty');
    if (text.length > MAX_TEXT) return errorAnswer(400, 'invalid_request', `text is longer than ${MAX_TEXT} characters`);
    const buttons = checkButtons((body as { buttons?: unknown }).buttons, this.options.buttons ?? true);
    if (typeof buttons === 'string') return errorAnswer(400, buttons.startsWith('buttons_unsupported') ? 'buttons_unsupported' : 'invalid_request', buttons);
    const tenant = field(body, 'tenant');
    const now = this.clock.now();

    const refusal = this.judge.judge(chatId, now);
    if (refusal) {
      this.counters.violations++;
      this.counters.violationsByKind[refusal.violation]++;
      return tooManyRequests(refusal.retryAfterSeconds, refusal.scope);
    }
    const status = this.chatStatus.get(chatId);
    if (status === 'blocked') {
      this.counters.blocked++;
      return errorAnswer(403, 'blocked', 'the person blocked the bot');
    }
    if (status === 'gone') {
      this.counters.notFound++;
      return errorAnswer(404, 'chat_not_found', `no chat ${chatId}`);
    }
    const inject = this.options.inject429;
    if (inject && this.random() < inject.rate) {
      const seconds = inject.retryAfterSeconds ?? 1;
      this.counters.injected429++;
      this.judge.penalize(chatId, false, now + seconds * 1000);
      return tooManyRequests(seconds, 'chat');
    }

    const message: AcceptedMessage = { messageId: this.nextMessageId++, chatId, text, at: now };
    if (tenant) message.tenant = tenant;
    if ((body as { direct?: unknown }).direct === true) message.direct = true;
    if (buttons) message.buttons = buttons;
    const replyTo = field(body, 'reply_to');
    if (replyTo) message.replyTo = replyTo;
    this.messages.push(message);
    this.log.push({ chatId, text });
    this.counters.accepted++;
    this.counters.firstAcceptedAt ??= now;
    this.counters.lastAcceptedAt = now;
    const key = `${chatId}\u0000${text}`;
    if (this.seen.has(key)) this.counters.duplicates++;
    else this.seen.add(key);
    return { body: { id: String(message.messageId), chat: chatId } };
  }

  private edit(id: string, body: unknown): EmulatorResponse {
    const message = this.messages.find((m) => String(m.messageId) === id);
    if (!message) return errorAnswer(404, 'unknown_message', `no message ${id}`);
    const text = field(body, 'text');
    if (!text || text.trim() === '') return errorAnswer(400, 'invalid_request', 'text is empty');
    const buttons = checkButtons((body as { buttons?: unknown }).buttons, this.options.buttons ?? true);
    if (typeof buttons === 'string') return errorAnswer(400, buttons.startsWith('buttons_unsupported') ? 'buttons_unsupported' : 'invalid_request', buttons);
    message.earlier = [...(message.earlier ?? []), message.text];
    message.text = text;
    if (buttons) message.buttons = buttons;
    else delete message.buttons;
    this.log.push({ chatId: message.chatId, text });
    return { body: { id } };
  }

  /** Faults injected with failNext, in the platform's shape; an injected 429 is a real penalty. */
  private renderFault(fault: Exclude<Fault, { kind: 'hang' }>, req: { method: string; path: string; body: unknown }): EmulatorResponse {
    if (isSend(req)) this.counters.requests++;
    switch (fault.kind) {
      case 'rate_limit': {
        const { scope, bucket } = faultScope(fault);
        this.counters.injected429++;
        this.judge.penalize(field(req.body, 'chat'), scope === 'route' || scope === 'global', this.clock.now() + fault.retryAfterSeconds * 1000);
        return tooManyRequests(fault.retryAfterSeconds, scope, bucket);
      }
      case 'server_error':
        return errorAnswer(fault.status ?? 500, 'server_error', 'internal server error');
      case 'platform_error':
        return errorAnswer(fault.status, String(fault.code ?? 'platform_error'), fault.description);
    }
  }
}

const toUser = (user: WireUser | string): WireUser => (typeof user === 'string' ? { id: user } : user);
const toChat = (chat: WireChat | string): WireChat => (typeof chat === 'string' ? { id: chat } : chat);

/** Starts a test platform on loopback; point TESTCHAT_URL (and the token) at it. */
export async function startTestchat(options: TestchatOptions = {}): Promise<{ url: string; token: string; emulator: TestchatEmulator }> {
  const emulator = new TestchatEmulator(options);
  const url = await emulator.start();
  return { url, token: emulator.token, emulator };
}
