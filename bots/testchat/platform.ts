// The test platform's ChatPlatform: JSON POST /bot<token>/sendMessage, answers mapped to DeliveryErrors.
import type { ChatPlatform, PlatformLimits, SendResult } from '../../core/delivery/chat-platform';
import { DeliveryError } from '../../core/errors';
import type { OutboundMessage, Recipient } from '../../core/types';
import { networkError, toDeliveryError } from './errors';
import { createJsonPoster, type JsonAnswer, type PostJson } from './http-client';
import { TESTCHAT_LIMITS } from './limits';
import { renderText } from './render';

export interface TestchatPlatformOptions {
  /** The platform's base URL (TESTCHAT_URL), without a trailing slash. */
  url: string;
  token: string;
  /** Injectable for tests; a keep-alive node:http client by default. */
  post?: PostJson;
  /** How long one send may take before it counts as a temporary failure. Default 10 s. */
  timeoutMs?: number;
}

export class TestchatPlatform implements ChatPlatform {
  readonly name = 'testchat' as const;
  readonly defaultLimits: PlatformLimits = TESTCHAT_LIMITS;
  private readonly endpoint: string;
  private readonly post: PostJson;

  constructor(options: TestchatPlatformOptions) {
    this.endpoint = `${options.url}/bot${options.token}/sendMessage`;
    this.post = options.post ?? createJsonPoster({ timeoutMs: options.timeoutMs ?? 10_000 });
  }

  async send(to: Recipient, message: OutboundMessage): Promise<SendResult> {
    if (to.platform !== 'testchat') throw DeliveryError.permanent(`a ${to.platform} recipient cannot be reached on testchat`, 'bad_request');
    const body: Record<string, unknown> = { chat_id: to.chatId, text: renderText(message) };
    if (message.kind === 'rationale' && message.replyToMessageId) body.reply_to_message_id = Number(message.replyToMessageId);
    let answer: JsonAnswer;
    try {
      answer = await this.post(this.endpoint, body);
    } catch (err) {
      throw networkError(err);
    }
    const ok = answer.status >= 200 && answer.status < 300;
    const result = (answer.json as { ok?: boolean; result?: { message_id?: number } } | undefined);
    if (ok && result?.ok === true && result.result?.message_id !== undefined) return { messageId: String(result.result.message_id) };
    throw toDeliveryError(ok ? 502 : answer.status, answer.json);
  }
}
