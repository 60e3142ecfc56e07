// What a Telegram ChatMember status means for access: the one mapping the gate and the update reader share.
import type { ChatMember } from 'grammy/types';

/** Where a user stands in a chat: an administrator, in, banned, or not in it. */
export type Standing = 'admin' | 'member' | 'banned' | 'out';

/** A restricted user counts as in only while Telegram says is_member; 'kicked' is a ban. */
export function standingOf(member: ChatMember): Standing {
  switch (member.status) {
    case 'creator':
    case 'administrator':
      return 'admin';
    case 'member':
      return 'member';
    case 'restricted':
      return member.is_member ? 'member' : 'out';
    case 'kicked':
      return 'banned';
    default:
      return 'out';
  }
}
