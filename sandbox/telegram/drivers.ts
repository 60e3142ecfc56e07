// Drivers: the outside world acting on the emulator (users write, press buttons, join with links,
// block the bot, leave; the owner creates a channel), each producing the updates Telegram would.
import type { CallbackQuery, Message, MessageEntity, Update } from 'grammy/types';
import type { JoinOutcome } from './membership';
import { toChat, toChatMember, toUser } from './objects';
import type { ChatRecord, UserRecord } from './state';
import { nowSeconds, type TelegramWorld } from './world';

export interface UserProfile {
  firstName?: string;
  lastName?: string;
  username?: string;
  languageCode?: string;
}

export interface CreateChannelOptions {
  title: string;
  /** Private (no username, joined by invite link) unless false. Defaults to true. */
  private?: boolean;
  /** 'channel' (the default) or 'supergroup'. */
  type?: 'channel' | 'supergroup';
  /** For a public chat; made from the title when absent. */
  username?: string;
  /** The owner's user id (created when new). */
  ownerId?: number;
  /** A fixed chat id such as -1001000000001 (a chat in a plan's access list); the next free one when absent. */
  id?: number;
}

const COMMAND_AT_START = /^\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?/;

/** Adds a user without an update; `startedBot` gives them a private chat the bot may write to. */
export function addUser(world: TelegramWorld, id: number, profile: UserProfile & { startedBot?: boolean } = {}): UserRecord {
  const user = world.state.ensureUser(id, profile);
  if (profile.startedBot) {
    user.startedBot = true;
    world.state.ensurePrivateChat(id);
  }
  return user;
}

function activeUser(world: TelegramWorld, userId: number, profile?: UserProfile): UserRecord {
  const user = world.state.ensureUser(userId, profile);
  if (user.deactivated) throw new Error(`user ${userId} deleted their account`);
  if (user.blockedBot) throw new Error(`user ${userId} blocked the bot; call userUnblocksBot first`);
  return user;
}

/** A user writes to the bot (or in a group given as chatId); a leading /command gets its entity. */
export function userSends(world: TelegramWorld, userId: number, text: string, options: { chatId?: number; profile?: UserProfile } = {}): Message {
  const user = activeUser(world, userId, options.profile);
  let chat: ChatRecord;
  if (options.chatId === undefined) {
    user.startedBot = true;
    chat = world.state.ensurePrivateChat(userId);
  } else {
    const found = world.state.chats.get(options.chatId);
    if (!found || found.type === 'private' || found.type === 'channel') throw new Error(`chat ${options.chatId} is not a group the user can write in`);
    if (!world.membership.isMember(found, userId)) throw new Error(`user ${userId} is not a member of chat ${options.chatId}`);
    chat = found;
  }
  const command = COMMAND_AT_START.exec(text);
  const entities: MessageEntity[] = command ? [{ type: 'bot_command', offset: 0, length: command[0].length }] : [];
  const message = world.state.addMessage(chat, (id) => ({
    message_id: id,
    from: toUser(user),
    chat: toChat(world.state, chat),
    date: nowSeconds(world),
    text,
    ...(entities.length > 0 ? { entities } : {}),
  }) as Message);
  world.updates.emit('message', message as NonNullable<Update['message']>);
  return message;
}

function chatInstance(chatId: number): string {
  return BigInt.asIntN(64, BigInt(chatId) * 0x9e3779b97f4a7c15n).toString();
}

/** A user presses an inline button with callback_data `data` under one of the bot's messages. */
export function userPressesButton(world: TelegramWorld, userId: number, messageId: number, data: string, options: { chatId?: number } = {}): CallbackQuery {
  const user = activeUser(world, userId);
  const chatId = options.chatId ?? userId;
  const message = world.state.chats.get(chatId)?.messages.get(messageId);
  if (!message) throw new Error(`no message ${messageId} in chat ${chatId}`);
  const buttons = message.reply_markup?.inline_keyboard.flat() ?? [];
  if (!buttons.some((b) => 'callback_data' in b && b.callback_data === data)) {
    throw new Error(`message ${messageId} has no button with callback_data ${JSON.stringify(data)}`);
  }
  const query = { id: world.state.newCallbackQueryId(), from: toUser(user), message, chat_instance: chatInstance(chatId), data } as CallbackQuery;
  world.state.callbackQueries.set(query.id, { id: query.id, userId, chatId, messageId, data });
  world.updates.emit('callback_query', query);
  return query;
}

/** A user opens an invite link: joins, asks to join, or is turned away (see JoinOutcome). */
export function userJoinsWithLink(world: TelegramWorld, userId: number, link: string): JoinOutcome {
  return world.membership.join(world.state.ensureUser(userId), link);
}

function setBlocked(world: TelegramWorld, userId: number, blocked: boolean): void {
  const user = world.state.ensureUser(userId);
  if (user.blockedBot === blocked) return;
  user.blockedBot = blocked;
  const chat = world.state.ensurePrivateChat(userId);
  const bot = world.state.bot;
  const member = toChatMember(chat, bot, { status: 'member', untilDate: 0 });
  const kicked = toChatMember(chat, bot, { status: 'kicked', untilDate: 0 });
  world.updates.emit('my_chat_member', {
    chat: toChat(world.state, chat),
    from: toUser(user),
    date: nowSeconds(world),
    old_chat_member: blocked ? member : kicked,
    new_chat_member: blocked ? kicked : member,
  } as never);
}

/** The user blocks the bot: sends to them fail with 403 "bot was blocked by the user". */
export function userBlocksBot(world: TelegramWorld, userId: number): void {
  setBlocked(world, userId, true);
}

export function userUnblocksBot(world: TelegramWorld, userId: number): void {
  setBlocked(world, userId, false);
}

/** The user deletes their account: sends to them fail with 403 "user is deactivated". */
export function userDeactivates(world: TelegramWorld, userId: number): void {
  world.state.ensureUser(userId).deactivated = true;
}

/** The user leaves a chat; false when they were not in it. */
export function userLeaves(world: TelegramWorld, userId: number, chatId: number): boolean {
  const chat = world.state.chats.get(chatId);
  if (!chat || chat.type === 'private') throw new Error(`no group or channel ${chatId}`);
  return world.membership.leave(chat, world.state.ensureUser(userId));
}

/** The owner creates a channel (or supergroup) and makes the bot an administrator of it. */
export function createChannel(world: TelegramWorld, options: CreateChannelOptions): ChatRecord {
  const isPrivate = options.private ?? true;
  const username = isPrivate ? undefined : (options.username ?? options.title.toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, 32));
  if (options.id !== undefined && world.state.chats.has(options.id)) throw new Error(`chat ${options.id} exists already`);
  const chat = world.state.addChat({ id: options.id, type: options.type ?? 'channel', title: options.title, username });
  const owner = world.state.ensureUser(options.ownerId ?? 1, options.ownerId ? {} : { firstName: 'Channel Owner' });
  chat.members.set(owner.id, { status: 'creator', untilDate: 0 });
  world.membership.change(chat, world.state.bot, { status: 'administrator', untilDate: 0 }, owner);
  return chat;
}
