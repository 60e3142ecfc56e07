// The emulated Telegram world: users, chats with their members and messages, invite links,
// join requests, callback queries, uploaded files and the bot's command menu.
import type { BotCommand, Message } from 'grammy/types';

export interface UserRecord {
  id: number;
  isBot: boolean;
  firstName: string;
  lastName?: string | undefined;
  username?: string | undefined;
  languageCode?: string | undefined;
  /** Has a private chat with the bot (wrote to it at least once). */
  startedBot: boolean;
  blockedBot: boolean;
  deactivated: boolean;
}

export type ChatType = 'private' | 'group' | 'supergroup' | 'channel';
export type MemberStatus = 'creator' | 'administrator' | 'member' | 'left' | 'kicked';

export interface MemberRecord {
  status: MemberStatus;
  /** For 'kicked': Unix time the ban ends, 0 for ever. */
  untilDate: number;
  /** The invite link the member joined with, while they stay a member. */
  joinedVia?: string | undefined;
}

export interface JoinRequestRecord {
  userId: number;
  /** Unix time. */
  date: number;
  link: string | undefined;
}

export interface ChatRecord {
  id: number;
  type: ChatType;
  title?: string | undefined;
  username?: string | undefined;
  members: Map<number, MemberRecord>;
  joinRequests: Map<number, JoinRequestRecord>;
  messages: Map<number, Message>;
  nextMessageId: number;
}

export interface InviteLinkRecord {
  link: string;
  chatId: number;
  name?: string | undefined;
  /** Unix time. */
  expireDate?: number | undefined;
  memberLimit?: number | undefined;
  createsJoinRequest: boolean;
  isRevoked: boolean;
}

export interface CallbackQueryRecord {
  id: string;
  userId: number;
  chatId: number;
  messageId: number;
  data: string;
  answer?: { text?: string | undefined; showAlert: boolean; url?: string | undefined } | undefined;
}

export interface FileRecord {
  fileId: string;
  fileUniqueId: string;
  width: number;
  height: number;
  size: number;
}

export class TelegramState {
  readonly users = new Map<number, UserRecord>();
  readonly chats = new Map<number, ChatRecord>();
  readonly links = new Map<string, InviteLinkRecord>();
  readonly callbackQueries = new Map<string, CallbackQueryRecord>();
  readonly files = new Map<string, FileRecord>();
  /** Command menus by scope and language (see commandKey). */
  readonly commands = new Map<string, BotCommand[]>();
  /** Every message the bot sent, in order (chat and message id; the chat holds its current version). */
  readonly sentLog: { chatId: number; messageId: number }[] = [];
  private nextGroupSerial = 1;
  private nextCallbackSerial = 1;

  constructor(readonly bot: UserRecord) {
    this.users.set(bot.id, bot);
  }

  user(id: number): UserRecord | undefined {
    return this.users.get(id);
  }

  /** The user with this id, created with a default profile when new. */
  ensureUser(id: number, profile: Partial<Pick<UserRecord, 'firstName' | 'lastName' | 'username' | 'languageCode'>> = {}): UserRecord {
    if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`a Telegram user id is a positive integer, got ${id}`);
    let user = this.users.get(id);
    if (!user) {
      user = { id, isBot: false, firstName: `User ${id}`, startedBot: false, blockedBot: false, deactivated: false };
      this.users.set(id, user);
    }
    for (const [key, value] of Object.entries(profile)) if (value !== undefined) Object.assign(user, { [key]: value });
    return user;
  }

  /** The private chat between the bot and a user (its id is the user's id). */
  ensurePrivateChat(userId: number): ChatRecord {
    return this.chats.get(userId) ?? this.addChat({ id: userId, type: 'private' });
  }

  addChat(init: { id?: number; type: ChatType; title?: string | undefined; username?: string | undefined }): ChatRecord {
    // Supergroups and channels have ids like -100xxxxxxxxxx.
    const id = init.id ?? -(1_001_000_000_000 + this.nextGroupSerial++);
    const chat: ChatRecord = {
      id,
      type: init.type,
      title: init.title,
      username: init.username,
      members: new Map(),
      joinRequests: new Map(),
      messages: new Map(),
      nextMessageId: 1,
    };
    this.chats.set(id, chat);
    return chat;
  }

  /** A chat by id or "@username", as a chat_id parameter names it. */
  findChat(ref: number | string): ChatRecord | undefined {
    if (typeof ref === 'number') return this.chats.get(ref);
    const name = ref.replace(/^@/, '').toLowerCase();
    for (const chat of this.chats.values()) if (chat.username?.toLowerCase() === name) return chat;
    return undefined;
  }

  /** Stores a message in its chat under the chat's next message id. */
  addMessage(chat: ChatRecord, build: (messageId: number) => Message): Message {
    const message = build(chat.nextMessageId++);
    chat.messages.set(message.message_id, message);
    return message;
  }

  newCallbackQueryId(): string {
    return `${4_200_000_000_000 + this.nextCallbackSerial++}`;
  }
}

/** The key of a command menu: its scope (default when absent) and language. */
export function commandKey(scope: unknown, languageCode: string | undefined): string {
  return `${JSON.stringify(scope ?? { type: 'default' })}|${languageCode ?? ''}`;
}
