// The shape of one Bot API method of the emulator, and the lookups most methods share.
import { badRequest, chatNotFound, forbidden } from '../errors';
import type { Params } from '../params';
import type { ChatRecord, UserRecord } from '../state';
import type { TelegramWorld } from '../world';

export interface MethodCall {
  world: TelegramWorld;
  params: Params;
  /** Aborted when the client goes away (a long poll being cancelled). */
  signal: AbortSignal;
}

/** A result Telegram answers with a `description` beside it (setWebhook and friends). */
export class Described {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

/** Returns the method's `result`, or throws a TelegramApiError. */
export type MethodHandler = (call: MethodCall) => unknown;

export type MethodTable = Record<string, MethodHandler>;

/** The chat chat_id names, if the bot can see it (a private channel it left is "not found"). */
export function visibleChat({ world, params }: MethodCall): ChatRecord {
  const chat = world.state.findChat(params.chatId());
  if (!chat) throw chatNotFound();
  if (chat.type === 'private') {
    if (!world.state.user(chat.id)?.startedBot) throw chatNotFound();
    return chat;
  }
  const status = world.membership.memberOf(chat, world.state.bot.id).status;
  if (status === 'left' || status === 'kicked') throw chatNotFound();
  return chat;
}

/** A supergroup or channel where the bot is an administrator: membership methods need both. */
export function managedChat(call: MethodCall): ChatRecord {
  const chat = visibleChat(call);
  if (chat.type === 'private' || chat.type === 'group') throw badRequest('method is available for supergroup and channel chats only');
  if (!call.world.membership.botIsAdmin(chat)) throw badRequest('not enough rights to manage chat members');
  return chat;
}

export function knownUser({ world, params }: MethodCall, name = 'user_id'): UserRecord {
  const user = world.state.user(params.integer(name, true));
  if (!user) throw badRequest('user not found');
  return user;
}

function hasJoinRequest(world: TelegramWorld, userId: number): boolean {
  for (const chat of world.state.chats.values()) if (chat.joinRequests.has(userId)) return true;
  return false;
}

function chatKind(chat: ChatRecord): string {
  return chat.type === 'channel' ? 'channel' : chat.type === 'supergroup' ? 'supergroup' : 'group';
}

/** The chat a message may be sent to, or the 400/403 Telegram answers instead. */
export function sendableChat({ world, params }: MethodCall): ChatRecord {
  const ref = params.chatId();
  if (typeof ref === 'number' && ref > 0) {
    const user = world.state.user(ref);
    if (!user) throw chatNotFound();
    if (user.isBot) throw forbidden("bot can't send messages to bots");
    if (user.deactivated) throw forbidden('user is deactivated');
    if (user.blockedBot) throw forbidden('bot was blocked by the user');
    // A join request lets the bot write to the requester first (see ChatJoinRequest.user_chat_id).
    if (!user.startedBot && !hasJoinRequest(world, user.id)) throw forbidden("bot can't initiate conversation with a user");
    return world.state.ensurePrivateChat(user.id);
  }
  const chat = world.state.findChat(ref);
  if (!chat) throw chatNotFound();
  const status = world.membership.memberOf(chat, world.state.bot.id).status;
  if (status === 'kicked') throw forbidden(`bot was kicked from the ${chatKind(chat)} chat`);
  if (status === 'left') throw forbidden(`bot is not a member of the ${chatKind(chat)} chat`);
  return chat;
}
