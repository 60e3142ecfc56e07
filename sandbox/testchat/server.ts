// The test platform: a tiny Telegram-shaped chat service on loopback that enforces limits and counts violations.
import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../../core/clock';
import type { PlatformWindows, RateLimitScope } from '../../core/delivery/chat-platform';
import { EmulatorServer, type EmulatorRequest, type EmulatorResponse, type Fault } from '../base/emulator';
import { ArrivalJudge, type ViolationKind } from './limits';
import { seededRandom } from './random';

export interface TestchatOptions {
  /** The bot token in `/bot<token>/sendMessage`; a random one when absent. */
  token?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Arrival times and penalties follow this clock. */
  clock?: Clock;
  /** Windows enforced with 429s (group chats are chat ids starting with '-'); none when absent. */
  limits?: PlatformWindows;
  /** Answer a share of otherwise good sends with 429, from a seeded random source. */
  inject429?: { rate: number; retryAfterSeconds?: number; seed?: number };
}

/** A message the platform accepted. */
export interface AcceptedMessage {
  messageId: number;
  chatId: string;
  text: string;
  /** Arrival time on the emulator's clock. */
  at: number;
}

export interface TestchatStats {
  /** sendMessage requests that reached the emulator. */
  requests: number;
  accepted: number;
  /** 429s the emulator was told to give (the random share and failNext). */
  injected429: number;
  /** Requests that broke a rule: arrived inside a retry_after, or over a window. Each got a 429. */
  violations: number;
  violationsByKind: Record<ViolationKind, number>;
  blocked: number;
  notFound: number;
  /** Accepted messages with the same chat and text as an earlier one. */
  duplicates: number;
  firstAcceptedAt: number | null;
  lastAcceptedAt: number | null;
}

type ChatStatus = 'blocked' | 'gone';

const telegramError = (status: number, description: string, parameters?: Record<string, unknown>): EmulatorResponse => ({
  status,
  body: { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) },
});

/**
 * A fault for failNext: the shared ones, or a 429 naming its scope ('global' as the shared fault's
 * `global: true`). The platform has one route, so a 'route' 429 holds every chat back, like a global
 * one; it does not know tenants, so a 'tenant' 429 holds that chat only, as a 'chat' one does.
 */
export type TestchatFault = Fault | { kind: 'rate_limit'; retryAfterSeconds: number; scope: RateLimitScope; bucket?: string };

const tooManyRequests = (retryAfterSeconds: number, scope: RateLimitScope, bucket?: string): EmulatorResponse =>
  // `scope` (and `bucket`) are this platform's neutral extension of the 429: who must wait.
  telegramError(429, `Too Many Requests: retry after ${retryAfterSeconds}`, { retry_after: retryAfterSeconds, scope, ...(bucket === undefined ? {} : { bucket }) });

/** The scope an injected 429 names. */
function faultScope(fault: Extract<Fault, { kind: 'rate_limit' }>): { scope: RateLimitScope; bucket?: string } {
  const named = fault as Extract<TestchatFault, { scope: RateLimitScope }>;
  if (named.scope) return named.bucket === undefined ? { scope: named.scope } : { scope: named.scope, bucket: named.bucket };
  return { scope: fault.global ? 'global' : 'chat' };
}

export class TestchatEmulator {
  readonly token: string;
  readonly server: EmulatorServer;
  readonly messages: AcceptedMessage[] = [];
  private readonly clock: Clock;
  private judge: ArrivalJudge;
  private random: () => number;
  private counters = emptyStats();
  private readonly seen = new Set<string>();
  private readonly chatStatus = new Map<string, ChatStatus>();
  private hold: Promise<void> | undefined;
  private nextMessageId = 1;

  constructor(private readonly options: TestchatOptions = {}) {
    this.token = options.token ?? `testchat-${randomBytes(12).toString('hex')}`;
    this.clock = options.clock ?? systemClock;
    this.judge = new ArrivalJudge(options.limits ?? {});
    this.random = seededRandom(options.inject429?.seed ?? 1);
    this.server = new EmulatorServer({ name: 'testchat', port: options.port ?? 0, renderFault: (fault, req) => this.renderFault(fault, req.path, req.body) });
    this.server.route('POST', '/bot:token/:method', (req) => this.handleMethod(req));
    this.server.route('GET', '/__control/stats', () => ({ body: this.stats() }));
    this.server.route('GET', '/__control/messages', () => ({ body: { messages: this.messages } }));
    this.server.route('POST', '/__control/reset', () => {
      this.reset();
      return { body: { ok: true } };
    });
    this.server.route('POST', '/__control/chats/:chatId', (req) => {
      const status = (req.body as { status?: unknown } | undefined)?.status;
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

  /** Forgets messages, counters, windows, penalties, chat states and faults; settings stay. */
  reset(): void {
    this.messages.length = 0;
    this.counters = emptyStats();
    this.seen.clear();
    this.chatStatus.clear();
    this.judge = new ArrivalJudge(this.options.limits ?? {});
    this.random = seededRandom(this.options.inject429?.seed ?? 1);
    this.nextMessageId = 1;
    this.server.resetBase();
  }

  /** The user blocked the bot: 403 "Forbidden: bot was blocked by the user". */
  blockChat(chatId: string): void {
    this.setChat(chatId, 'blocked');
  }

  /** The chat no longer exists: 400 "Bad Request: chat not found". */
  removeChat(chatId: string): void {
    this.setChat(chatId, 'gone');
  }

  /** The next `count` sends (to `chatId` when given) get `fault` instead of an answer. */
  failNext(fault: TestchatFault, options: { count?: number; chatId?: string } = {}): void {
    this.server.failNext(fault, {
      count: options.count ?? 1,
      match: (req) => req.path.endsWith('/sendMessage') && (options.chatId === undefined || chatIdOf(req.body) === options.chatId),
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

  private setChat(chatId: string, status: ChatStatus | 'ok'): void {
    if (status === 'ok') this.chatStatus.delete(chatId);
    else this.chatStatus.set(chatId, status);
  }

  private async handleMethod(req: EmulatorRequest): Promise<EmulatorResponse> {
    if (req.params.token !== this.token) return telegramError(401, 'Unauthorized');
    const method = (req.params.method ?? '').toLowerCase();
    if (method === 'getme') return { body: { ok: true, result: { id: 1, is_bot: true, first_name: 'Testchat', username: 'testchat_bot' } } };
    if (method !== 'sendmessage') return telegramError(404, 'Not Found: method not found');
    const answer = this.sendMessage(req.body);
    if (this.hold) await this.hold;
    return answer;
  }

  private sendMessage(body: unknown): EmulatorResponse {
    this.counters.requests++;
    const chatId = chatIdOf(body);
    const text = body && typeof body === 'object' ? (body as { text?: unknown }).text : undefined;
    if (!chatId) return telegramError(400, 'Bad Request: chat_id is empty');
    if (typeof text !== 'string' || text.trim() === '') return telegramError(400, 'Bad Request: message text is empty');
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
      return telegramError(403, 'Forbidden: bot was blocked by the user');
    }
    if (status === 'gone') {
      this.counters.notFound++;
      return telegramError(400, 'Bad Request: chat not found');
    }
    const inject = this.options.inject429;
    if (inject && this.random() < inject.rate) {
      const seconds = inject.retryAfterSeconds ?? 1;
      this.counters.injected429++;
      this.judge.penalize(chatId, false, now + seconds * 1000);
      return tooManyRequests(seconds, 'chat');
    }

    const message: AcceptedMessage = { messageId: this.nextMessageId++, chatId, text, at: now };
    this.messages.push(message);
    this.counters.accepted++;
    this.counters.firstAcceptedAt ??= now;
    this.counters.lastAcceptedAt = now;
    const key = `${chatId}\u0000${text}`;
    if (this.seen.has(key)) this.counters.duplicates++;
    else this.seen.add(key);
    return { body: { ok: true, result: { message_id: message.messageId, date: Math.floor(now / 1000), chat: { id: chatId }, text } } };
  }

  /** Faults injected with failNext, in the platform's shape; an injected 429 is a real penalty. */
  private renderFault(fault: Exclude<Fault, { kind: 'hang' }>, path: string, body: unknown): EmulatorResponse {
    if (path.endsWith('/sendMessage')) this.counters.requests++;
    switch (fault.kind) {
      case 'rate_limit': {
        const { scope, bucket } = faultScope(fault);
        this.counters.injected429++;
        this.judge.penalize(chatIdOf(body), scope === 'route' || scope === 'global', this.clock.now() + fault.retryAfterSeconds * 1000);
        return tooManyRequests(fault.retryAfterSeconds, scope, bucket);
      }
      case 'server_error':
        return telegramError(fault.status ?? 500, 'Internal Server Error');
      case 'platform_error':
        return telegramError(fault.status, fault.description);
    }
  }
}

function chatIdOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const id = (body as { chat_id?: unknown }).chat_id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

function emptyStats(): TestchatStats {
  return {
    requests: 0,
    accepted: 0,
    injected429: 0,
    violations: 0,
    violationsByKind: { retry_after: 0, overall: 0, per_chat: 0, per_group: 0 },
    blocked: 0,
    notFound: 0,
    duplicates: 0,
    firstAcceptedAt: null,
    lastAcceptedAt: null,
  };
}

/** Starts a test platform on loopback; point TESTCHAT_URL (and the token) at it. */
export async function startTestchat(options: TestchatOptions = {}): Promise<{ url: string; token: string; emulator: TestchatEmulator }> {
  const emulator = new TestchatEmulator(options);
  const url = await emulator.start();
  return { url, token: emulator.token, emulator };
}
