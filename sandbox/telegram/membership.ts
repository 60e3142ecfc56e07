// Membership of supergroups and channels as real state: invite links with their limits, join
// requests, bans and unbans, and the chat_member / chat_join_request updates Telegram emits.
import { randomBytes } from 'node:crypto';
import type { ChatInviteLink, Message, Update } from 'grammy/types';
import type { Clock } from '../../core/clock';
import { badRequest } from './errors';
import { compact, toChat, toChatMember, toInviteLink, toUser } from './objects';
import type { ChatRecord, InviteLinkRecord, MemberRecord, TelegramState, UserRecord } from './state';
import type { UpdateQueue } from './updates';

/** What happened when a user opened an invite link. */
export type JoinOutcome =
  | 'joined'
  | 'requested'
  | 'invalid'
  | 'revoked'
  | 'expired'
  | 'limit_reached'
  | 'banned'
  | 'already_member'
  | 'already_requested';

const IN_CHAT = new Set(['creator', 'administrator', 'member']);
const LEFT: MemberRecord = { status: 'left', untilDate: 0 };

export class Membership {
  constructor(
    private readonly state: TelegramState,
    private readonly updates: UpdateQueue,
    private readonly clock: Clock,
  ) {}

  private nowSec(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  /** A user's membership now (a ban whose until_date passed has become 'left'). */
  memberOf(chat: ChatRecord, userId: number): MemberRecord {
    const member = chat.members.get(userId);
    if (!member) return LEFT;
    if (member.status === 'kicked' && member.untilDate > 0 && this.nowSec() >= member.untilDate) {
      chat.members.set(userId, LEFT);
      return LEFT;
    }
    return member;
  }

  isMember(chat: ChatRecord, userId: number): boolean {
    return IN_CHAT.has(this.memberOf(chat, userId).status);
  }

  botIsAdmin(chat: ChatRecord): boolean {
    return this.memberOf(chat, this.state.bot.id).status === 'administrator';
  }

  memberCount(chat: ChatRecord): number {
    return [...chat.members.keys()].filter((id) => this.isMember(chat, id)).length;
  }

  /** Members who joined with `link` and are still in the chat: member_limit counts these. */
  membersVia(link: InviteLinkRecord): number {
    const chat = this.state.chats.get(link.chatId);
    if (!chat) return 0;
    return [...chat.members.entries()].filter(([id, m]) => m.joinedVia === link.link && this.isMember(chat, id)).length;
  }

  /** Sets a membership and emits the update Telegram would (my_chat_member for the bot itself). */
  change(chat: ChatRecord, user: UserRecord, next: MemberRecord, actor: UserRecord, extra: { link?: InviteLinkRecord; viaJoinRequest?: boolean } = {}): void {
    const before = this.memberOf(chat, user.id);
    chat.members.set(user.id, next);
    const isBot = user.id === this.state.bot.id;
    // Only an administrator bot hears about other members.
    if (!isBot && !this.botIsAdmin(chat)) return;
    const payload = compact({
      chat: toChat(this.state, chat),
      from: toUser(actor),
      date: this.nowSec(),
      old_chat_member: toChatMember(chat, user, before),
      new_chat_member: toChatMember(chat, user, next),
      invite_link: extra.link ? toInviteLink(this.state, extra.link) : undefined,
      via_join_request: extra.viaJoinRequest,
    });
    this.updates.emit(isBot ? 'my_chat_member' : 'chat_member', payload);
    if (isBot || (chat.type !== 'supergroup' && chat.type !== 'group')) return;
    // Groups also show a service message; channels do not.
    const joined = !IN_CHAT.has(before.status) && IN_CHAT.has(next.status);
    const left = IN_CHAT.has(before.status) && !IN_CHAT.has(next.status);
    if (!joined && !left) return;
    const message = this.state.addMessage(chat, (id) => ({
      message_id: id,
      from: toUser(joined ? user : actor),
      chat: toChat(this.state, chat),
      date: this.nowSec(),
      ...(joined ? { new_chat_members: [toUser(user)] } : { left_chat_member: toUser(user) }),
    }) as Message);
    this.updates.emit('message', message as NonNullable<Update['message']>);
  }

  createLink(chat: ChatRecord, init: Omit<InviteLinkRecord, 'link' | 'chatId' | 'isRevoked'>): InviteLinkRecord {
    const record: InviteLinkRecord = { ...init, link: `https://t.me/+${randomBytes(12).toString('base64url')}`, chatId: chat.id, isRevoked: false };
    this.state.links.set(record.link, record);
    return record;
  }

  /** A user opens an invite link: joins, asks to join, or is turned away. */
  join(user: UserRecord, url: string): JoinOutcome {
    const link = this.state.links.get(url);
    const chat = link && this.state.chats.get(link.chatId);
    if (!link || !chat) return 'invalid';
    if (link.isRevoked) return 'revoked';
    if (link.expireDate !== undefined && this.nowSec() >= link.expireDate) return 'expired';
    const status = this.memberOf(chat, user.id).status;
    if (status === 'kicked') return 'banned';
    if (IN_CHAT.has(status)) return 'already_member';
    if (link.memberLimit !== undefined && this.membersVia(link) >= link.memberLimit) return 'limit_reached';
    if (link.createsJoinRequest) {
      if (chat.joinRequests.has(user.id)) return 'already_requested';
      const date = this.nowSec();
      chat.joinRequests.set(user.id, { userId: user.id, date, link: link.link });
      if (this.botIsAdmin(chat)) {
        this.updates.emit('chat_join_request', {
          chat: toChat(this.state, chat),
          from: toUser(user),
          user_chat_id: user.id,
          date,
          invite_link: toInviteLink(this.state, link) as ChatInviteLink,
        } as never);
      }
      return 'requested';
    }
    this.change(chat, user, { status: 'member', untilDate: 0, joinedVia: link.link }, user, { link });
    return 'joined';
  }

  approve(chat: ChatRecord, user: UserRecord): void {
    const request = chat.joinRequests.get(user.id);
    if (!request) throw badRequest('HIDE_REQUESTER_MISSING');
    chat.joinRequests.delete(user.id);
    if (this.isMember(chat, user.id)) throw badRequest('USER_ALREADY_PARTICIPANT');
    const link = request.link ? this.state.links.get(request.link) : undefined;
    // Telegram names both: the request was approved, and the link it came through.
    this.change(chat, user, { status: 'member', untilDate: 0, joinedVia: link?.link }, user, { ...(link ? { link } : {}), viaJoinRequest: true });
  }

  decline(chat: ChatRecord, user: UserRecord): void {
    if (!chat.joinRequests.delete(user.id)) throw badRequest('HIDE_REQUESTER_MISSING');
  }

  ban(chat: ChatRecord, user: UserRecord, untilDate: number | undefined): void {
    this.refuseForAdmins(chat, user);
    const now = this.nowSec();
    // Telegram treats bans shorter than 30 s or longer than 366 days as for ever.
    const until = untilDate && untilDate - now >= 30 && untilDate - now <= 366 * 86_400 ? untilDate : 0;
    chat.joinRequests.delete(user.id);
    const before = this.memberOf(chat, user.id);
    if (before.status === 'kicked' && before.untilDate === until) return;
    this.change(chat, user, { status: 'kicked', untilDate: until }, this.state.bot);
  }

  /** Telegram's unban also removes a current member, unless only_if_banned is set. */
  unban(chat: ChatRecord, user: UserRecord, onlyIfBanned: boolean): void {
    const before = this.memberOf(chat, user.id);
    if (before.status === 'left' || (onlyIfBanned && before.status !== 'kicked')) return;
    this.refuseForAdmins(chat, user);
    this.change(chat, user, { status: 'left', untilDate: 0 }, this.state.bot);
  }

  leave(chat: ChatRecord, user: UserRecord): boolean {
    if (!IN_CHAT.has(this.memberOf(chat, user.id).status)) return false;
    this.change(chat, user, { status: 'left', untilDate: 0 }, user);
    return true;
  }

  private refuseForAdmins(chat: ChatRecord, user: UserRecord): void {
    const status = this.memberOf(chat, user.id).status;
    if (status === 'creator') throw badRequest("can't remove chat owner");
    if (status === 'administrator') throw badRequest('user is an administrator of the chat');
  }
}
