// The test platform's ChatPlatform: JSON POST /bot<token>/sendMessage, answers mapped to DeliveryErrors.
import type { ChatPlatform, PlatformLimits, SendResult } from '../../core/delivery/chat-platform';
import { DEFAULT_LIMITS } from '../../core/delivery/default-limits';
import { DeliveryError } from '../../core/errors';
import type { OutboundMessage, Recipient } from '../../core/types';
import { networkError, toDeliveryError } from './errors';
import { renderText } from './render';

export interface TestchatPlatformOptions {
  /** The platform's base URL (TESTCHAT_URL), without a trailing slash. */
  url: string;
  token: string;
  /** Injectable for tests; the global fetch by default. */
  fetch?: typeof fetch;
  /** How long one send may take before it counts as a temporary failure. Default 10 s. */
  timeoutMs?: number;
}

export class TestchatPlatform implements ChatPlatform {
  readonly name = 'testchat' as const;
  readonly defaultLimits: PlatformLimits = DEFAULT_LIMITS.testchat;
  private readonly endpoint: string;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: TestchatPlatformOptions) {
    this.endpoint = `${options.url}/bot${options.token}/sendMessage`;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async send(to: Recipient, message: OutboundMessage): Promise<SendResult> {
    if (to.platform !== 'testchat') throw DeliveryError.permanent(`a ${to.platform} recipient cannot be reached on testchat`, 'bad_request');
    const body: Record<string, unknown> = { chat_id: to.chatId, text: renderText(message) };
    if (message.kind === 'rationale' && message.replyToMessageId) body.reply_to_message_id = Number(message.replyToMessageId);
    let res: Response;
    let answer: unknown;
    // A timer race rather than an AbortSignal per send: signals cost noticeably at hundreds of sends a
    // second. A send that times out may still reach the platform; it is retried like any temporary failure.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DOMException('send timed out', 'TimeoutError')), this.timeoutMs);
    });
    try {
      const call = this.fetch(this.endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
        .then(async (r) => ({ r, json: await r.json().catch(() => undefined) }));
      call.catch(() => {});
      const done = await Promise.race([call, timeout]);
      res = done.r;
      answer = done.json;
    } catch (err) {
      throw networkError(err);
    } finally {
      clearTimeout(timer);
    }
    const result = (answer as { ok?: boolean; result?: { message_id?: number } } | undefined);
    if (res.ok && result?.ok === true && result.result?.message_id !== undefined) return { messageId: String(result.result.message_id) };
    throw toDeliveryError(res.ok ? 502 : res.status, answer);
  }
}
