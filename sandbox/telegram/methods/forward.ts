// Forwarding and copying: forwardMessage and copyMessage, refused for messages with protected content as Telegram refuses them.
import type { Message, MessageEntity, MessageId, MessageOrigin } from 'grammy/types';
import { badRequest, chatNotFound } from '../errors';
import { formatText, readReplyMarkup } from '../formatting';
import { compact, toChat } from '../objects';
import type { ChatRecord } from '../state';
import { envelope, recordSent, takeSendSlot } from './messages';
import { sendableChat, type MethodCall, type MethodTable } from './method';

/** The chat from_chat_id names, if the bot can read it. */
function sourceChat({ world, params }: MethodCall): ChatRecord {
  const chat = world.state.findChat(params.chatId('from_chat_id'));
  if (!chat) throw chatNotFound();
  if (chat.type !== 'private') {
    const status = world.membership.memberOf(chat, world.state.bot.id).status;
    if (status === 'left' || status === 'kicked') throw chatNotFound();
  } else if (!world.state.user(chat.id)?.startedBot) {
    throw chatNotFound();
  }
  return chat;
}

/** The content a forward or copy carries over: text with its entities, or a photo with its caption. */
type Content = Pick<Message, 'text' | 'entities' | 'photo' | 'caption' | 'caption_entities'>;

/**
 * The message to forward or copy: it must exist, have content (a service message has none) and not
 * be protected. Telegram answers the same 400 for the last two.
 */
function original(call: MethodCall, from: ChatRecord, verb: 'forward' | 'copy'): Message & Content {
  const id = call.params.integer('message_id', true);
  const message = from.messages.get(id) as (Message & Content) | undefined;
  if (!message) throw badRequest(`message to ${verb} not found`);
  const verbed = verb === 'forward' ? 'forwarded' : 'copied';
  if (message.has_protected_content || (message.text === undefined && message.photo === undefined)) throw badRequest(`message can't be ${verbed}`);
  return message;
}

function originOf(message: Message, from: ChatRecord, call: MethodCall): MessageOrigin {
  if (from.type === 'channel') return { type: 'channel', date: message.date, chat: toChat(call.world.state, from) as never, message_id: message.message_id };
  if (message.from) return { type: 'user', date: message.date, sender_user: message.from };
  return { type: 'hidden_user', date: message.date, sender_user_name: 'Hidden' };
}

function contentOf(message: Content): Content {
  return message.photo
    ? { photo: message.photo, caption: message.caption, caption_entities: message.caption_entities }
    : { text: message.text, entities: message.entities };
}

function forwardMessage(call: MethodCall): Message {
  const from = sourceChat(call);
  const message = original(call, from, 'forward');
  const to = sendableChat(call);
  takeSendSlot(call, to);
  return recordSent(call, to, (id) => compact({ ...envelope(call, to, id), forward_origin: originOf(message, from, call), ...contentOf(message) }) as unknown as Message);
}

function copyMessage(call: MethodCall): MessageId {
  const from = sourceChat(call);
  const message = original(call, from, 'copy');
  const to = sendableChat(call);
  const { params } = call;
  const content = contentOf(message);
  const caption = params.string('caption');
  if (caption !== undefined && message.photo) {
    const formatted = formatText(caption, params.string('parse_mode'), params.json<MessageEntity[]>('caption_entities'));
    content.caption = formatted.text || undefined;
    content.caption_entities = formatted.entities.length > 0 ? formatted.entities : undefined;
  }
  const markup = readReplyMarkup(params);
  takeSendSlot(call, to);
  const sent = recordSent(call, to, (id) => compact({ ...envelope(call, to, id), ...content, reply_markup: markup }) as unknown as Message);
  return { message_id: sent.message_id };
}

export const forwardMethods: MethodTable = { forwardMessage, copyMessage };
