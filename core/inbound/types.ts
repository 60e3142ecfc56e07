// What a person does in a chat, in one neutral shape for every platform, and what the bot answers.
import type { AccessResource } from '../access/ports';
import type { LinkButton, PlatformName, Recipient } from '../types';

/** Who did it on the platform. */
export interface Actor {
  platform: PlatformName;
  platformUserId: string;
  /** Set only where the platform's user ids are per tenant (a Slack workspace): then the tenant is part of who they are. */
  tenant?: string | undefined;
  username?: string | undefined;
  displayName?: string | undefined;
  /**
   * The person administers the tenant (a Slack workspace's admin or owner), as the platform said when
   * the event came; undefined where the platform has no such notion or did not say.
   */
  tenantAdmin?: boolean | undefined;
}

/** A chat named in a command's arguments (Slack's `<#C123|alerts>`), as the platform resolved it. */
export interface ChatRef {
  chatId: string;
  /** Its name as people write it ("#alerts"), when known. */
  label?: string | undefined;
}

/** A button that comes back to the bot as a `button` event carrying `data`. */
export interface ActionButton {
  label: string;
  data: string;
}

export type ReplyButton = LinkButton | ActionButton;

/** One answer from a command handler. Platforms render it their own way. */
export interface Reply {
  text: string;
  /** Rows of buttons. */
  buttons?: ReplyButton[][] | undefined;
  /** When set, the answer replaces the message the pressed button was on. */
  editMessageId?: string | undefined;
}

export type InboundEvent =
  /** `messageId`, when the platform has one, makes a retried update recognisable (e.g. /publish's idempotency key). */
  /** `chatRefs`: the chats the arguments name, in order, where the platform marks them up (Slack); the args keep their text. */
  | { type: 'command'; actor: Actor; chat: Recipient; isPrivate: boolean; command: string; args: string; messageId?: string | undefined; chatRefs?: readonly ChatRef[] | undefined }
  | { type: 'button'; actor: Actor; chat: Recipient; isPrivate: boolean; data: string; messageId: string }
  /** A message that is not a command (people often write "hi" or a question): answered only in a private chat. */
  | { type: 'text'; actor: Actor; chat: Recipient; isPrivate: boolean; text: string }
  /** `inviteLink`: the link the request came through, when the platform says (Telegram does for the bot's own links). */
  | { type: 'join_request'; actor: Actor; resource: AccessResource; inviteLink?: string | undefined }
  /** `inviteLink`: the link someone came in with, when the platform says. */
  | { type: 'membership'; actor: Actor; resource: AccessResource; state: 'member' | 'left' | 'removed'; inviteLink?: string | undefined }
  /**
   * Someone joined a tenant (a Discord server), is in it (their roles changed) or left it. `holds`:
   * the ids of what they hold there now (their roles), when the platform says.
   */
  | { type: 'tenant_member'; actor: Actor; tenant: string; state: 'joined' | 'present' | 'left'; holds?: readonly string[] | undefined }
  /** A tenant's role order or roles changed (an admin moved or deleted a role): access refused for that may work now. */
  | { type: 'tenant_roles'; platform: PlatformName; tenant: string }
  /**
   * The app was removed from a tenant (Slack's app_uninstalled) or its tokens revoked (tokens_revoked):
   * nothing can be sent there until a reinstall.
   */
  | { type: 'tenant_removed'; platform: PlatformName; tenant: string; reason: 'uninstalled' | 'tokens_revoked' }
  /** The person blocked the bot in their private chat (nothing can reach them there), or unblocked it. */
  | { type: 'bot_blocked'; actor: Actor; chat: Recipient; blocked: boolean };

/** What a bot does with an event: the replies to send back to the chat (none for access events). Every platform's receiver calls one. */
export type EventHandler = (event: InboundEvent) => Promise<readonly Reply[] | void | null | undefined>;

export function isActionButton(b: ReplyButton): b is ActionButton {
  return 'data' in b;
}
