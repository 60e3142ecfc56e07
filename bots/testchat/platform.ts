// The test platform's ChatPlatform: POST /v1/messages (and PATCH to edit), answers mapped to DeliveryErrors.
import type { ChatPlatform, PlatformLimits, SendResult } from '../../core/delivery/chat-platform';
import { DeliveryError } from '../../core/errors';
import type { OutboundMessage, Recipient } from '../../core/types';
import { networkError, toDeliveryError } from './errors';
import { createJsonClient, type JsonAnswer, type JsonCall } from './http-client';
import { TESTCHAT_LIMITS } from './limits';
import { renderText, type WireMessage } from './render';

export interface TestchatPlatformOptions {
  /** The platform's base URL (TESTCHAT_URL), without a trailing slash. */
  url: string;
  token: string;
  /** Injectable for tests; a keep-alive node:http client carrying the token by default. */
  call?: JsonCall;
  /** How long one call may take before it counts as a temporary failure. Default 10 s. */
  timeoutMs?: number;
}

/** The calls testchat's protocol has, for the sender, the inbound side and the gate. */
export class TestchatApi {
  readonly call: JsonCall;
  constructor(private readonly options: TestchatPlatformOptions) {
    this.call = options.call ?? createJsonClient({ timeoutMs: options.timeoutMs ?? 10_000, headers: { authorization: `Bearer ${options.token}` } });
  }

  url(path: string): string {
    return `${this.options.url}${path}`;
  }

  /** Sends or edits a message; resolves to its id, or throws a DeliveryError. */
  async post(message: WireMessage, editId?: string): Promise<string> {
    let answer: JsonAnswer;
    try {
      answer = editId === undefined
        ? await this.call('POST', this.url('/v1/messages'), message)
        : await this.call('PATCH', this.url(`/v1/messages/${encodeURIComponent(editId)}`), { text: message.text, buttons: message.buttons });
    } catch (err) {
      throw networkError(err);
    }
    const id = (answer.json as { id?: unknown } | undefined)?.id;
    if (answer.status >= 200 && answer.status < 300 && typeof id === 'string') return id;
    throw toDeliveryError(answer.status >= 200 && answer.status < 300 ? 502 : answer.status, answer.json);
  }
}

export class TestchatPlatform implements ChatPlatform {
  readonly name = 'testchat' as const;
  readonly defaultLimits: PlatformLimits = TESTCHAT_LIMITS;
  readonly api: TestchatApi;

  constructor(options: TestchatPlatformOptions | TestchatApi) {
    this.api = options instanceof TestchatApi ? options : new TestchatApi(options);
  }

  async send(to: Recipient, message: OutboundMessage): Promise<SendResult> {
    if (to.platform !== 'testchat') throw DeliveryError.permanent(`a ${to.platform} recipient cannot be reached on testchat`, 'bad_request');
    const body: WireMessage = { chat: to.chatId, text: renderText(message) };
    if (to.tenant) body.tenant = to.tenant;
    if (to.direct) body.direct = true;
    if ((message.kind === 'rationale' || message.kind === 'update') && message.replyToMessageId) body.reply_to = message.replyToMessageId;
    return { messageId: await this.api.post(body) };
  }

  async edit(to: Recipient, messageId: string, message: OutboundMessage): Promise<void> {
    if (to.platform !== 'testchat') throw DeliveryError.permanent(`a ${to.platform} recipient cannot be reached on testchat`, 'bad_request');
    await this.api.post({ chat: to.chatId, text: renderText(message) }, messageId);
  }
}
