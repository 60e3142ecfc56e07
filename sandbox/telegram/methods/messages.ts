// Sending and editing: sendMessage, sendPhoto, editMessageText, answerCallbackQuery.
import { randomBytes } from 'node:crypto';
import type { Message, MessageEntity, PhotoSize } from 'grammy/types';
import { badRequest, tooManyRequests } from '../errors';
import { formatText, readLinkPreview, readReplyMarkup } from '../formatting';
import { imageSize } from '../image-size';
import { compact, toChat, toUser } from '../objects';
import type { ChatRecord, FileRecord } from '../state';
import { nowSeconds } from '../world';
import { sendableChat, visibleChat, type MethodCall, type MethodTable } from './method';

const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/** Counts the send against Telegram's limits, or answers 429 with retry_after. */
export function takeSendSlot({ world, params }: MethodCall, chat: ChatRecord): void {
  const decision = world.limiter.take(chat.id, { group: chat.type !== 'private', paid: params.boolean('allow_paid_broadcast') });
  if (!decision.ok) throw tooManyRequests(decision.retryAfter);
}

function replyTarget({ params }: MethodCall, chat: ChatRecord): Message | undefined {
  const reply = params.json<{ message_id?: number; allow_sending_without_reply?: boolean }>('reply_parameters', 'reply parameters');
  const id = reply?.message_id ?? params.integer('reply_to_message_id');
  if (id === undefined) return undefined;
  const target = chat.messages.get(id);
  if (!target && !reply?.allow_sending_without_reply) throw badRequest('message to be replied not found');
  if (!target) return undefined;
  const { reply_to_message: _nested, ...shallow } = target as Message & { reply_to_message?: unknown };
  return shallow as Message;
}

/** The parts every message the bot sends shares: who sent it, where, when. */
export function envelope(call: MethodCall, chat: ChatRecord, messageId: number): Record<string, unknown> {
  const { world, params } = call;
  const chatObject = toChat(world.state, chat);
  return compact({
    message_id: messageId,
    // In a channel the post is signed by the channel, not by the bot.
    from: chat.type === 'channel' ? undefined : toUser(world.state.bot),
    sender_chat: chat.type === 'channel' ? chatObject : undefined,
    chat: chatObject,
    date: nowSeconds(world),
    has_protected_content: params.boolean('protect_content') || undefined,
  });
}

export function recordSent(call: MethodCall, chat: ChatRecord, build: (messageId: number) => Message): Message {
  const message = call.world.state.addMessage(chat, build);
  call.world.state.sentLog.push({ chatId: chat.id, messageId: message.message_id });
  return message;
}

function withEntities(key: 'entities' | 'caption_entities', entities: MessageEntity[]): Record<string, unknown> {
  return entities.length > 0 ? { [key]: entities } : {};
}

function sendMessage(call: MethodCall): Message {
  const chat = sendableChat(call);
  const { params } = call;
  const raw = params.string('text');
  if (raw === undefined || raw.trim() === '') throw badRequest('message text is empty');
  const formatted = formatText(raw, params.string('parse_mode'), params.json<MessageEntity[]>('entities'));
  if (formatted.text.trim() === '') throw badRequest('message text is empty');
  if (formatted.text.length > MAX_TEXT) throw badRequest('message is too long');
  const markup = readReplyMarkup(params);
  const preview = readLinkPreview(params);
  const replyTo = replyTarget(call, chat);
  takeSendSlot(call, chat);
  return recordSent(call, chat, (id) => compact({
    ...envelope(call, chat, id),
    reply_to_message: replyTo,
    text: formatted.text,
    ...withEntities('entities', formatted.entities),
    link_preview_options: preview && Object.keys(preview).length > 0 ? preview : undefined,
    reply_markup: markup,
  }) as unknown as Message);
}

function newFileIds(): { fileId: string; fileUniqueId: string } {
  return { fileId: `AgACAgIAAxkBAAI${randomBytes(24).toString('base64url')}`, fileUniqueId: `AQAD${randomBytes(8).toString('base64url')}` };
}

/** Stores an upload in the sizes Telegram makes of it (thumbnails up to 1280 px). */
function storePhoto(call: MethodCall, data: Buffer): FileRecord[] {
  if (data.length === 0) throw badRequest('file must be non-empty');
  if (data.length > MAX_PHOTO_BYTES) throw badRequest('file is too big');
  const size = imageSize(data);
  if (!size) throw badRequest('IMAGE_PROCESS_FAILED');
  const { width, height } = size;
  if (width + height > 10_000 || Math.max(width, height) / Math.min(width, height) > 20) throw badRequest('PHOTO_INVALID_DIMENSIONS');
  const longest = Math.max(width, height);
  const sides = [90, 320, 800].filter((side) => side < longest);
  sides.push(Math.min(longest, 1280));
  return sides.map((side) => {
    const scale = side / longest;
    const record: FileRecord = {
      ...newFileIds(),
      width: Math.max(1, Math.round(width * scale)),
      height: Math.max(1, Math.round(height * scale)),
      size: Math.max(1, Math.round(data.length * scale * scale)),
    };
    call.world.state.files.set(record.fileId, record);
    return record;
  });
}

function sendPhoto(call: MethodCall): Message {
  const chat = sendableChat(call);
  const { params, world } = call;
  const photo = params.file('photo');
  if (!photo) throw badRequest('there is no photo in the request');
  let files: FileRecord[];
  if ('upload' in photo) {
    files = storePhoto(call, photo.upload.data);
  } else {
    // The emulator reaches nothing outside loopback, so it cannot fetch photo URLs: only known file_ids work.
    const known = world.state.files.get(photo.reference);
    if (!known) throw badRequest('wrong file identifier/HTTP URL specified');
    files = [known];
  }
  const caption = params.string('caption');
  const formatted = caption === undefined ? undefined : formatText(caption, params.string('parse_mode'), params.json<MessageEntity[]>('caption_entities'));
  if (formatted && formatted.text.length > MAX_CAPTION) throw badRequest('message caption is too long');
  const markup = readReplyMarkup(params);
  const replyTo = replyTarget(call, chat);
  takeSendSlot(call, chat);
  const sizes: PhotoSize[] = files.map((f) => ({ file_id: f.fileId, file_unique_id: f.fileUniqueId, width: f.width, height: f.height, file_size: f.size }));
  return recordSent(call, chat, (id) => compact({
    ...envelope(call, chat, id),
    reply_to_message: replyTo,
    photo: sizes,
    caption: formatted && formatted.text !== '' ? formatted.text : undefined,
    ...withEntities('caption_entities', formatted?.entities ?? []),
    reply_markup: markup,
  }) as unknown as Message);
}

function editMessageText(call: MethodCall): Message {
  const { params, world } = call;
  if (params.has('inline_message_id')) throw badRequest('MESSAGE_ID_INVALID');
  const chat = visibleChat(call);
  const messageId = params.integer('message_id');
  if (messageId === undefined) throw badRequest('message identifier is not specified');
  const message = chat.messages.get(messageId) as (Message & Record<string, unknown>) | undefined;
  if (!message) throw badRequest('message to edit not found');
  const byBot = message.from?.id === world.state.bot.id || (chat.type === 'channel' && message.sender_chat?.id === chat.id);
  if (!byBot) throw badRequest("message can't be edited");
  if (message.text === undefined) throw badRequest('there is no text in the message to edit');
  const raw = params.string('text');
  if (raw === undefined || raw.trim() === '') throw badRequest('text must be non-empty');
  const formatted = formatText(raw, params.string('parse_mode'), params.json<MessageEntity[]>('entities'));
  if (formatted.text.length > MAX_TEXT) throw badRequest('message is too long');
  // Like Telegram, an edit without reply_markup removes the inline keyboard.
  const markup = readReplyMarkup(params);
  const entities = formatted.entities.length > 0 ? formatted.entities : undefined;
  if (message.text === formatted.text && JSON.stringify(message.entities) === JSON.stringify(entities) && JSON.stringify(message.reply_markup) === JSON.stringify(markup)) {
    throw badRequest('message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
  }
  const preview = readLinkPreview(params);
  const edited = compact({
    ...message,
    edit_date: nowSeconds(world),
    text: formatted.text,
    entities,
    link_preview_options: preview && Object.keys(preview).length > 0 ? preview : message.link_preview_options,
    reply_markup: markup,
  }) as unknown as Message;
  chat.messages.set(messageId, edited);
  return edited;
}

function answerCallbackQuery({ world, params }: MethodCall): true {
  const query = world.state.callbackQueries.get(params.string('callback_query_id', true));
  if (!query || query.answer) throw badRequest('query is too old and response timeout expired or query ID is invalid');
  const text = params.string('text');
  if (text !== undefined && text.length > 200) throw badRequest('MESSAGE_TOO_LONG');
  query.answer = compact({ text, showAlert: params.boolean('show_alert'), url: params.string('url') });
  return true;
}

export const messageMethods: MethodTable = { sendMessage, sendPhoto, editMessageText, answerCallbackQuery };
