// Telegram's ChatPlatform: alerts, rationales, snapshots and notices through grammy's Api, errors mapped to DeliveryErrors.
import { InputFile, type Api } from 'grammy';
import type { Message } from 'grammy/types';
import type { ChatPlatform, PlatformLimits, SendResult } from '../../core/delivery/chat-platform';
import { DeliveryError } from '../../core/errors';
import { silentLogger, type Logger } from '../../core/logger';
import type { OutboundMessage, Recipient } from '../../core/types';
import { describeForLog, isEntityParseError, toDeliveryError } from './errors';
import { TELEGRAM_LIMITS } from './limits';
import { renderOutbound, type Rendered, type TelegramOutbound } from './render';

export interface TelegramPlatformOptions {
  /** grammy's Api, pointed at Telegram or at the emulator. */
  api: Api;
  logger?: Logger | undefined;
  /** How a snapshot's follow-up waits out Telegram's one message a second per chat (a test passes its clock). Default: a timer. */
  sleep?: ((ms: number) => Promise<void>) | undefined;
}

/** The longest wait for a snapshot's follow-up: a longer retry_after is the dispatcher's business. */
const FOLLOW_UP_MAX_WAIT_MS = 5_000;

/** A chat id as the Bot API takes it: a number, or "@channelname". */
export function toChatId(chatId: string): number | string {
  return /^-?\d+$/.test(chatId) ? Number(chatId) : chatId;
}

/**
 * Sends through the Bot API. Text goes as HTML with everything escaped; if Telegram still answers
 * "can't parse entities", the same message goes again as plain text (a refused message was not
 * delivered, so this cannot duplicate it). Snapshots with an image go as a photo with a caption.
 */
export class TelegramPlatform implements ChatPlatform {
  readonly name = 'telegram' as const;
  readonly defaultLimits: PlatformLimits = TELEGRAM_LIMITS;
  private readonly api: Api;
  private readonly logger: Logger;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: TelegramPlatformOptions) {
    this.api = options.api;
    this.logger = options.logger ?? silentLogger;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async send(to: Recipient, message: OutboundMessage): Promise<SendResult> {
    if (to.platform !== 'telegram') throw DeliveryError.permanent(`a ${to.platform} recipient cannot be reached on telegram`, 'bad_request');
    const chatId = toChatId(to.chatId);
    const out = renderOutbound(message);
    try {
      const sent = await this.withPlainFallback(chatId, message.kind, (asHtml) => this.deliver(chatId, out, asHtml));
      if (out.followUp) await this.sendFollowUp(chatId, out.followUp, sent.message_id);
      return { messageId: String(sent.message_id) };
    } catch (err) {
      throw toDeliveryError(err, this.api.token);
    }
  }

  /**
   * A long snapshot's text, as a reply to its photo. The photo took this second of the chat's one
   * message a second, so a 429 is waited out once (a few seconds at most). If the text still fails,
   * the snapshot counts as sent: a retry would send the photo twice. The failure is logged.
   */
  private async sendFollowUp(chatId: number | string, text: Rendered, photoId: number): Promise<void> {
    const out: TelegramOutbound = { ...text, replyTo: photoId };
    const attempt = () => this.withPlainFallback(chatId, 'snapshot', (asHtml) => this.deliver(chatId, out, asHtml));
    try {
      await attempt().catch(async (err: unknown) => {
        const failure = toDeliveryError(err, this.api.token);
        if (failure.kind !== 'rate_limited' || (failure.retryAfterMs ?? Infinity) > FOLLOW_UP_MAX_WAIT_MS) throw err;
        await this.sleep(failure.retryAfterMs ?? 1_000);
        return attempt();
      });
    } catch (err) {
      this.logger.warn({ chatId: String(chatId), error: describeForLog(err, this.api.token) }, "the snapshot's photo went but its text did not; not sent again");
    }
  }

  /** editMessageText with the message's keyboard (text messages only: a snapshot's photo is not edited). */
  async edit(to: Recipient, messageId: string, message: OutboundMessage): Promise<void> {
    if (to.platform !== 'telegram') throw DeliveryError.permanent(`a ${to.platform} recipient cannot be reached on telegram`, 'bad_request');
    const chatId = toChatId(to.chatId);
    const out = renderOutbound(message);
    const markup = out.keyboard ? { reply_markup: out.keyboard } : {};
    try {
      await this.withPlainFallback(chatId, message.kind, async (asHtml) => {
        const edited = await this.api.editMessageText(chatId, Number(messageId), asHtml ? out.html : out.plain, {
          ...(asHtml ? { parse_mode: 'HTML' as const } : {}), ...markup, link_preview_options: { is_disabled: true },
        });
        return edited as Message;
      });
    } catch (err) {
      throw toDeliveryError(err, this.api.token);
    }
  }

  private deliver(chatId: number | string, out: TelegramOutbound, asHtml: boolean): Promise<Message> {
    const format = asHtml ? { parse_mode: 'HTML' as const } : {};
    const markup = out.keyboard ? { reply_markup: out.keyboard } : {};
    // A paid plan's alert: Telegram stops forwarding, copying and saving it.
    const protect = out.protect ? { protect_content: true } : {};
    // A reply goes even when its alert is gone (an admin deleted it): the content still counts.
    const reply = out.replyTo !== undefined ? { reply_parameters: { message_id: out.replyTo, allow_sending_without_reply: true } } : {};
    if (out.photo) {
      const file = new InputFile(Buffer.from(out.photo), 'snapshot.png');
      return this.api.sendPhoto(chatId, file, { caption: asHtml ? out.html : out.plain, ...format, ...markup, ...protect, ...reply });
    }
    return this.api.sendMessage(chatId, asHtml ? out.html : out.plain, { ...format, ...markup, ...protect, link_preview_options: { is_disabled: true }, ...reply });
  }

  private async withPlainFallback(chatId: number | string, kind: string, send: (asHtml: boolean) => Promise<Message>): Promise<Message> {
    try {
      return await send(true);
    } catch (err) {
      if (!isEntityParseError(err)) throw err;
      this.logger.warn({ chatId: String(chatId), kind, error: describeForLog(err, this.api.token) }, 'Telegram refused the HTML; sending as plain text');
      return send(false);
    }
  }
}
