// Telegram updates in, neutral InboundEvents out; and the command handlers' Replies back out as Telegram messages.
import type { Api, Bot, Context } from 'grammy';
import type { ChatMember, Update, User } from 'grammy/types';
import type { Actor, EventHandler, InboundEvent, Reply } from '../../core/inbound/types';
import type { Logger } from '../../core/logger';
import { describeForLog, isEntityParseError, isNotModified } from './errors';
import { standingOf } from './member-status';
import { toChatId } from './platform';
import { renderReplyText, toInlineKeyboard } from './render';

function toActor(user: User): Actor {
  const displayName = [user.first_name, user.last_name].filter(Boolean).join(' ') || undefined;
  return { platform: 'telegram', platformUserId: String(user.id), username: user.username, displayName };
}

/** A member's status in the terms of access: in, left on their own, or removed (banned). */
function membershipState(member: ChatMember): 'member' | 'left' | 'removed' {
  const standing = standingOf(member);
  return standing === 'banned' ? 'removed' : standing === 'out' ? 'left' : 'member';
}

/** "/start@signalcast_bot ref_x" -> { command: 'start', args: 'ref_x' }; undefined when it is not a command for this bot. */
export function parseCommand(text: string, entityLength: number, botUsername: string | undefined): { command: string; args: string } | undefined {
  const [name = '', target] = text.slice(1, entityLength).split('@');
  if (target !== undefined && botUsername !== undefined && target.toLowerCase() !== botUsername.toLowerCase()) return undefined;
  if (!name) return undefined;
  return { command: name.toLowerCase(), args: text.slice(entityLength).trim() };
}

/** The neutral event an update means, or undefined for updates Signalcast does not act on. */
export function toInboundEvent(update: Update, botUsername: string | undefined): InboundEvent | undefined {
  const message = update.message;
  if (message?.text && message.from && !message.from.is_bot) {
    const entity = message.entities?.[0];
    if (entity?.type !== 'bot_command' || entity.offset !== 0) {
      // Free text: only a private chat gets an answer (in a group it is people talking to each other).
      if (message.chat.type !== 'private') return undefined;
      return { type: 'text', actor: toActor(message.from), chat: { platform: 'telegram', chatId: String(message.chat.id) }, isPrivate: true, text: message.text };
    }
    const parsed = parseCommand(message.text, entity.length, botUsername);
    if (!parsed) return undefined;
    return {
      type: 'command', actor: toActor(message.from), chat: { platform: 'telegram', chatId: String(message.chat.id) },
      isPrivate: message.chat.type === 'private', ...parsed, messageId: String(message.message_id),
    };
  }
  const query = update.callback_query;
  if (query?.data && query.message) {
    return {
      type: 'button', actor: toActor(query.from), chat: { platform: 'telegram', chatId: String(query.message.chat.id) },
      isPrivate: query.message.chat.type === 'private', data: query.data, messageId: String(query.message.message_id),
    };
  }
  const request = update.chat_join_request;
  if (request) {
    return {
      type: 'join_request', actor: toActor(request.from), resource: { platform: 'telegram', kind: 'chat', id: String(request.chat.id) },
      inviteLink: request.invite_link?.invite_link,
    };
  }
  const mine = update.my_chat_member;
  if (mine && mine.chat.type === 'private') {
    const status = mine.new_chat_member.status;
    if (status !== 'kicked' && status !== 'member') return undefined;
    return { type: 'bot_blocked', actor: toActor(mine.from), chat: { platform: 'telegram', chatId: String(mine.chat.id) }, blocked: status === 'kicked' };
  }
  const change = update.chat_member;
  if (change) {
    return {
      type: 'membership', actor: toActor(change.new_chat_member.user), resource: { platform: 'telegram', kind: 'chat', id: String(change.chat.id) },
      state: membershipState(change.new_chat_member), inviteLink: change.invite_link?.invite_link,
    };
  }
  return undefined;
}

/** Sends one reply to a chat: a new message, or an edit of the message a button was on. HTML first, plain text if refused. */
export async function sendReply(api: Api, chatId: string, reply: Reply): Promise<void> {
  const text = renderReplyText(reply);
  const keyboard = toInlineKeyboard(reply.buttons);
  const send = async (asHtml: boolean): Promise<void> => {
    const options = { ...(asHtml ? { parse_mode: 'HTML' as const } : {}), ...(keyboard ? { reply_markup: keyboard } : {}), link_preview_options: { is_disabled: true } };
    const body = asHtml ? text.html : text.plain;
    if (reply.editMessageId !== undefined) {
      try {
        await api.editMessageText(toChatId(chatId), Number(reply.editMessageId), body, options);
        return;
      } catch (err) {
        if (isNotModified(err)) return;
        if (isEntityParseError(err)) throw err;
        // The message is gone or too old to edit: say it in a new one.
      }
    }
    await api.sendMessage(toChatId(chatId), body, options);
  };
  try {
    await send(true);
  } catch (err) {
    if (!isEntityParseError(err)) throw err;
    await send(false);
  }
}

export interface InboundOptions {
  onEvent: EventHandler;
  logger: Logger;
  token: string;
}

/**
 * Installs the one middleware that turns every update into an event, hands it to `onEvent` and
 * sends the replies. A button press is answered at once (so the spinner stops) before it is handled.
 * A reply refused for flooding is retried (the bot's Api retries, see FLOOD_RETRY in index.ts); one
 * that still cannot be sent is logged, and the update still counts as handled.
 */
export function installInbound(bot: Bot, options: InboundOptions): void {
  const { logger, token } = options;
  bot.use(async (ctx: Context) => {
    const event = toInboundEvent(ctx.update, ctx.me?.username);
    if (!event) return;
    if (event.type === 'button' && ctx.callbackQuery) {
      await ctx.answerCallbackQuery().catch((err: unknown) => logger.debug({ error: describeForLog(err, token) }, 'could not answer a button press'));
    }
    const replies = (await options.onEvent(event)) ?? [];
    const chatId = ctx.chat?.id;
    if (replies.length === 0 || chatId === undefined) return;
    for (const reply of replies) {
      try {
        await sendReply(ctx.api, String(chatId), reply);
      } catch (err) {
        logger.warn({ updateId: ctx.update.update_id, chatId: String(chatId), error: describeForLog(err, token) }, 'could not send a reply');
      }
    }
  });
}
