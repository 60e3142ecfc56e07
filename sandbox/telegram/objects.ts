// Turns the emulator's records into the Bot API's JSON objects (typed with grammy's own types).
import type { Chat, ChatFullInfo, ChatInviteLink, ChatMember, User, UserFromGetMe } from 'grammy/types';
import type { ChatRecord, InviteLinkRecord, MemberRecord, TelegramState, UserRecord } from './state';

/** Drops undefined fields, as Telegram omits absent optional fields. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function toUser(user: UserRecord): User {
  return compact({
    id: user.id,
    is_bot: user.isBot,
    first_name: user.firstName,
    last_name: user.lastName,
    username: user.username,
    language_code: user.isBot ? undefined : user.languageCode,
  });
}

export function toBotInfo(bot: UserRecord): UserFromGetMe {
  return {
    id: bot.id,
    is_bot: true,
    first_name: bot.firstName,
    username: bot.username ?? 'signalcast_bot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
  } as UserFromGetMe;
}

export function toChat(state: TelegramState, chat: ChatRecord): Chat {
  if (chat.type === 'private') {
    const user = state.users.get(chat.id);
    return compact({ id: chat.id, type: 'private', first_name: user?.firstName ?? '', last_name: user?.lastName, username: user?.username });
  }
  return compact({ id: chat.id, type: chat.type, title: chat.title ?? '', username: chat.username }) as Chat;
}

export function toChatFullInfo(state: TelegramState, chat: ChatRecord): ChatFullInfo {
  return {
    ...toChat(state, chat),
    accent_color_id: 0,
    max_reaction_count: 11,
    accepted_gift_types: { unlimited_gifts: false, limited_gifts: false, unique_gifts: false, premium_subscription: false, gifts_from_channels: false },
    ...(chat.type === 'channel' || chat.type === 'supergroup' ? { has_visible_history: chat.type === 'supergroup' } : {}),
  } as ChatFullInfo;
}

const ADMIN_RIGHTS = {
  is_anonymous: false,
  can_manage_chat: true,
  can_delete_messages: true,
  can_manage_video_chats: true,
  can_restrict_members: true,
  can_promote_members: false,
  can_change_info: true,
  can_invite_users: true,
  can_post_stories: true,
  can_edit_stories: true,
  can_delete_stories: true,
};

export function toChatMember(chat: ChatRecord, user: UserRecord, member: MemberRecord | undefined): ChatMember {
  const u = toUser(user);
  switch (member?.status) {
    case 'creator':
      return { status: 'creator', user: u, is_anonymous: false };
    case 'administrator':
      // Shaped by the Bot API spec in sandbox/specs; grammy's types name a field the spec does not have.
      return {
        status: 'administrator',
        user: u,
        // A bot cannot edit its own rights; the owner made it an admin.
        can_be_edited: false,
        ...ADMIN_RIGHTS,
        ...(chat.type === 'channel' ? { can_post_messages: true, can_edit_messages: true } : { can_pin_messages: true }),
      } as unknown as ChatMember;
    case 'member':
      return { status: 'member', user: u };
    case 'kicked':
      return { status: 'kicked', user: u, until_date: member.untilDate };
    default:
      return { status: 'left', user: u };
  }
}

export function toInviteLink(state: TelegramState, link: InviteLinkRecord): ChatInviteLink {
  const chat = state.chats.get(link.chatId);
  return compact({
    invite_link: link.link,
    creator: toUser(state.bot),
    creates_join_request: link.createsJoinRequest,
    is_primary: false,
    is_revoked: link.isRevoked,
    name: link.name,
    expire_date: link.expireDate,
    member_limit: link.memberLimit,
    pending_join_request_count: link.createsJoinRequest
      ? [...(chat?.joinRequests.values() ?? [])].filter((r) => r.link === link.link).length
      : undefined,
  });
}
