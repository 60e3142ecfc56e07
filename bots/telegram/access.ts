// The Telegram access gate (grammy Api): personal invite links and join requests to grant, ban+unban to revoke.
import { GrammyError, HttpError, type Api } from 'grammy';
import { approvedText, declinedText, intruderText, inviteText, removedText } from '../../core/access/messages';
import type { AccessNotice, NoticeSink } from '../../core/access/notices';
import { resourceKey, type AccessFailureCode, type AccessGate, type AccessHolder, type AccessOutcome, type AccessPerson, type AccessResource, type NotifyResult } from '../../core/access/ports';
import type { AccessStore } from '../../core/access/store';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import { scrubToken } from './errors';
import { standingOf, type Standing } from './member-status';

const HOUR_MS = 3_600_000;

/**
 * How personal invite links admit: 'join_request' (the default) makes links that ask to join, and
 * only the person the link was made for is approved; 'member_limit' makes links that admit the first
 * person who opens them, and anyone else who gets in with one is removed at once.
 */
export type InviteMode = 'join_request' | 'member_limit';
export const INVITE_MODES: readonly InviteMode[] = ['join_request', 'member_limit'];

export interface TelegramAccessGateOptions {
  /** grammy's Api, pointed at Telegram or at the emulator. */
  api: Api;
  /** Where personal invite links are kept (and found again to revoke them). */
  store: AccessStore;
  /** Where the gate's messages to people go (the outbox in the service): it never sends them itself. */
  notices: NoticeSink;
  clock: Clock;
  logger?: Logger | undefined;
  /** How long a personal invite link stays valid. Default 24 hours. */
  linkTtlMs?: number | undefined;
  /** See InviteMode. Default 'join_request'. */
  inviteMode?: InviteMode | undefined;
}

/** A gated Telegram chat: the only kind of access resource this gate handles. */
type TelegramChat = AccessResource;

/** A chat id as the Bot API takes it: a number, or "@username". */
function chatIdOf(resource: TelegramChat): number | string {
  return /^-?\d+$/.test(resource.id) ? Number(resource.id) : resource.id;
}

const NO_REQUEST = /HIDE_REQUESTER_MISSING|no join request/i;
const NOT_IN_CHAT = /user not found|PARTICIPANT_ID_INVALID|USER_NOT_PARTICIPANT|user is not a member/i;
const LINK_GONE = /INVITE_HASH_EXPIRED|INVITE_HASH_INVALID/i;

/** Turns a failed Bot API call into a short detail for the audit trail. Never carries the token. */
export function describeTelegramError(err: unknown, token?: string): string {
  let text: string;
  if (err instanceof GrammyError) {
    const d = err.description;
    if (err.error_code === 429) text = `rate limited by Telegram: retry after ${err.parameters.retry_after ?? '?'} s`;
    else if (/chat not found/i.test(d)) text = `chat not found (${d})`;
    else if (/bot is not a member|bot was kicked/i.test(d)) text = `the bot is not in the chat (${d})`;
    else if (/not enough rights|CHAT_ADMIN_REQUIRED|administrator rights/i.test(d)) text = `the bot is not an administrator of the chat with the right to manage members and invite links (${d})`;
    else if (NOT_IN_CHAT.test(d)) text = `the user is not in the chat (${d})`;
    else text = `${err.method}: ${d}`;
  } else if (err instanceof HttpError) {
    text = `network error calling Telegram (${err.message})`;
  } else {
    text = err instanceof Error ? err.message : String(err);
  }
  return scrubToken(text, token);
}

/** The stable code for a failed Bot API call (the detail keeps Telegram's own words). */
export function telegramFailureCode(err: unknown): AccessFailureCode {
  if (err instanceof GrammyError) {
    const d = err.description;
    if (err.error_code === 429) return 'rate_limited';
    if (/chat not found/i.test(d)) return 'resource_not_found';
    if (/bot is not a member|bot was kicked|not enough rights|CHAT_ADMIN_REQUIRED|administrator rights/i.test(d)) return 'missing_permission';
    if (NOT_IN_CHAT.test(d)) return 'not_member';
    return 'platform_error';
  }
  return err instanceof HttpError ? 'platform_unreachable' : 'unknown';
}

const matches = (err: unknown, pattern: RegExp) => err instanceof GrammyError && pattern.test(err.description);

/**
 * Grants a private channel or supergroup with a personal invite link sent by direct message (one
 * that asks to join, or one that admits one person: see InviteMode), or by approving a pending join
 * request; removes whoever got in with someone else's link; revokes with a ban followed by
 * an unban, revoking the person's links, and tells them the way back. The bot must be an
 * administrator of the chat with the rights to invite users and ban members. Failures come back
 * as 'failed' outcomes whose detail says what Telegram answered.
 */
export class TelegramAccessGate implements AccessGate {
  readonly platform = 'telegram' as const;
  private readonly ttlMs: number;
  readonly inviteMode: InviteMode;

  constructor(private readonly options: TelegramAccessGateOptions) {
    this.ttlMs = options.linkTtlMs ?? 24 * HOUR_MS;
    this.inviteMode = options.inviteMode ?? 'join_request';
  }

  private get api(): Api {
    return this.options.api;
  }

  private failed(err: unknown, prefix = ''): AccessOutcome {
    return { result: 'failed', code: telegramFailureCode(err), detail: prefix + describeTelegramError(err, this.api.token) };
  }

  async grant(holder: AccessHolder, resource: AccessResource, _reason: string): Promise<AccessOutcome> {
    if (resource.platform !== 'telegram') return { result: 'failed', detail: `not a Telegram resource: ${resourceKey(resource)}` };
    try {
      const standing = await this.standing(resource, holder.platformUserId);
      if (standing === 'admin' || standing === 'member') return { result: 'granted', detail: 'already in the chat', holds: true };
      // A ban left behind (by an admin, or an unban that failed) would turn the new link away.
      if (standing === 'banned') await this.api.unbanChatMember(chatIdOf(resource), Number(holder.platformUserId), { only_if_banned: true });
      const pending = await this.options.store.getMembership('telegram', resourceKey(resource), holder.platformUserId);
      if (pending?.state === 'requested') {
        const approved = await this.approve(resource, holder.platformUserId);
        if (approved) return approved;
      }
      return await this.invite(holder, resource);
    } catch (err) {
      return this.failed(err);
    }
  }

  async approveJoinRequest(holder: AccessHolder, resource: AccessResource, _reason: string): Promise<AccessOutcome> {
    if (resource.platform !== 'telegram') return { result: 'failed', detail: `not a Telegram resource: ${resourceKey(resource)}` };
    try {
      return (await this.approve(resource, holder.platformUserId)) ?? (await this.invite(holder, resource));
    } catch (err) {
      return this.failed(err);
    }
  }

  /** Approves a pending request; undefined when there is none (it was withdrawn, or answered elsewhere). */
  private async approve(resource: TelegramChat, userId: string): Promise<AccessOutcome | undefined> {
    try {
      await this.api.approveChatJoinRequest(chatIdOf(resource), Number(userId));
    } catch (err) {
      if (matches(err, /USER_ALREADY_PARTICIPANT/)) return { result: 'granted', detail: 'already in the chat', holds: true };
      if (matches(err, NO_REQUEST)) return undefined;
      throw err;
    }
    await this.tell(userId, { topic: 'approved', text: approvedText() });
    return { result: 'approved', detail: 'join request approved', holds: true };
  }

  private async invite(holder: AccessHolder, resource: TelegramChat): Promise<AccessOutcome> {
    const expireDate = Math.floor((this.options.clock.now() + this.ttlMs) / 1000);
    const created = await this.api.createChatInviteLink(chatIdOf(resource), {
      // The name shows in the chat's link list, so an admin can tell whose link it is (Telegram allows 32 characters).
      name: holder.accountId.slice(0, 32),
      expire_date: expireDate,
      // Telegram refuses member_limit on a link that asks to join: the approval is what limits it.
      ...(this.inviteMode === 'join_request' ? { creates_join_request: true } : { member_limit: 1 }),
    });
    const link = created.invite_link;
    await this.options.store.addInviteLink({
      platform: 'telegram', resourceKey: resourceKey(resource), link, accountId: holder.accountId, platformUserId: holder.platformUserId, expiresAt: expireDate * 1000,
    });
    const hours = Math.round(this.ttlMs / HOUR_MS);
    const byRequest = this.inviteMode === 'join_request';
    const sent = await this.tell(holder.platformUserId, { topic: 'invite', text: inviteText(link, hours, byRequest), button: { label: 'Join the channel', url: link } }, holder.accountId);
    if (!sent.sent) {
      // They never got it: withdraw the link, so the next run makes a fresh one instead of waiting for this one.
      await this.retire(resource, link);
      return { result: 'failed', detail: `invite link made but the direct message could not be queued: ${sent.detail}; the link was revoked` };
    }
    const admits = byRequest ? 'asks to join, approved for them only' : 'one person';
    return { result: 'invited', detail: `personal invite link queued for a direct message (${admits}, ${hours} h)`, inviteLink: link };
  }

  /**
   * Someone came in with another person's link (member_limit links admit the first comer): removes
   * them at once (ban, then unban, so they may come back the right way), revokes the link, and tells
   * them how to subscribe. Sending the owner a fresh link is the caller's (it knows the entitlement).
   */
  async removeIntruder(intruder: AccessPerson, resource: AccessResource, link: string): Promise<AccessOutcome> {
    if (resource.platform !== 'telegram') return { result: 'failed', detail: `not a Telegram resource: ${resourceKey(resource)}` };
    let standing: Standing;
    try {
      standing = await this.removeMember(resource, intruder.platformUserId);
    } catch (err) {
      // Still withdraw the link: it must not admit anyone else meanwhile.
      const problem = await this.retire(resource, link);
      return this.failed(err, `could not remove them${problem ? ` nor revoke the link (${problem})` : '; the link was revoked'}: `);
    }
    const problem = await this.retire(resource, link);
    const parts = [standing === 'member' ? 'removed (ban, then unban)' : standing === 'admin' ? 'an administrator: left in' : 'already gone'];
    parts.push(problem ? `could not revoke the link: ${problem}` : 'the link was revoked');
    if (standing !== 'admin') {
      const told = await this.tell(intruder.platformUserId, { topic: 'intruder', text: intruderText() }, intruder.accountId);
      parts.push(told.sent ? 'told how to subscribe' : `could not tell them: ${told.detail}`);
    }
    return { result: problem ? 'failed' : standing === 'member' ? 'revoked' : 'noop', detail: parts.join('; '), holds: standing === 'admin' };
  }

  async revoke(person: AccessHolder | AccessPerson, resource: AccessResource, _reason: string): Promise<AccessOutcome> {
    if (resource.platform !== 'telegram') return { result: 'failed', detail: `not a Telegram resource: ${resourceKey(resource)}` };
    let standing: Standing;
    try {
      standing = await this.removeMember(resource, person.platformUserId);
    } catch (err) {
      return this.failed(err);
    }
    const links = await this.revokeLinksOf(person.platformUserId, resource);
    const linkNote = `${links.revoked} invite link${links.revoked === 1 ? '' : 's'} revoked`;
    const problems = links.problems.length > 0 ? `; could not revoke: ${links.problems.join('; ')}` : '';
    if (standing === 'admin') return { result: 'noop', detail: `an administrator of the chat: left alone; ${linkNote}${problems}`, holds: true };
    const removed = standing === 'member';
    if (!removed && links.revoked === 0 && links.problems.length === 0) return { result: 'noop', detail: 'not in the chat and no active invite link', holds: false };
    // A retry that only finishes revoking used links (they were removed and told already) says nothing more.
    if (!removed && links.unused === 0) return { result: links.problems.length > 0 ? 'failed' : 'revoked', detail: `was not in the chat; ${linkNote}${problems}`, holds: false };

    const told = await this.tell(person.platformUserId, { topic: 'removed', text: removedText(removed) }, person.accountId);
    const parts = [removed ? 'removed (ban, then unban)' : 'was not in the chat', linkNote, told.sent ? 'told the way back' : `could not tell them: ${told.detail}`];
    return { result: links.problems.length > 0 ? 'failed' : 'revoked', detail: parts.join('; ') + problems, holds: false };
  }

  async declineJoinRequest(person: AccessPerson, resource: AccessResource, _reason: string): Promise<AccessOutcome> {
    if (resource.platform !== 'telegram') return { result: 'failed', detail: `not a Telegram resource: ${resourceKey(resource)}` };
    // A requester can be written to only while the request is pending, so the message goes first.
    const told = await this.tell(person.platformUserId, { topic: 'declined', text: declinedText(), sendBeforeReturning: true }, person.accountId);
    try {
      await this.api.declineChatJoinRequest(chatIdOf(resource), Number(person.platformUserId));
    } catch (err) {
      if (matches(err, NO_REQUEST)) return { result: 'noop', detail: 'no pending join request', holds: false };
      return this.failed(err);
    }
    return { result: 'revoked', detail: `join request declined; ${told.sent ? 'told how to subscribe' : `could not tell them: ${told.detail}`}`, holds: false };
  }

  async revokeInviteLink(resource: AccessResource, link: string): Promise<AccessOutcome> {
    if (resource.platform !== 'telegram') return { result: 'failed', detail: `not a Telegram resource: ${resourceKey(resource)}` };
    try {
      await this.api.revokeChatInviteLink(chatIdOf(resource), link);
    } catch (err) {
      if (!matches(err, LINK_GONE)) return this.failed(err);
      await this.options.store.confirmInviteLinkGone(link, 'expired');
      return { result: 'noop', detail: 'invite link already gone' };
    }
    // Confirmed dead on Telegram: a later lapse need not revoke it again.
    await this.options.store.confirmInviteLinkGone(link, 'revoked');
    return { result: 'revoked', detail: 'invite link revoked' };
  }

  notify(person: AccessPerson, text: string): Promise<NotifyResult> {
    return this.tell(person.platformUserId, { topic: 'notice', text }, person.accountId);
  }

  /** Removes the user when they are a member; returns where they stood before. */
  private async removeMember(resource: TelegramChat, userId: string): Promise<Standing> {
    const standing = await this.standing(resource, userId);
    if (standing === 'member') {
      // Telegram has no "kick": banning is what removes a member. The unban right after lifts the
      // ban (they are then simply "left"), so that after paying again a new link lets them back in.
      await this.api.banChatMember(chatIdOf(resource), Number(userId));
      await this.api.unbanChatMember(chatIdOf(resource), Number(userId), { only_if_banned: true });
    }
    return standing;
  }

  /** Where the user stands; a user Telegram does not know in this chat is 'out'. */
  private async standing(resource: TelegramChat, userId: string): Promise<Standing> {
    try {
      return standingOf(await this.api.getChatMember(chatIdOf(resource), Number(userId)));
    } catch (err) {
      if (matches(err, NOT_IN_CHAT)) return 'out';
      throw err;
    }
  }

  /**
   * Revokes every link ever made for this user and chat that Telegram has not confirmed dead (active
   * or used, whatever its expiry), on Telegram and in the store. A failed revoke is reported, so the
   * access job retries until Telegram confirms.
   */
  private async revokeLinksOf(userId: string, resource: TelegramChat): Promise<{ revoked: number; unused: number; problems: string[] }> {
    const links = await this.options.store.listUnrevokedInviteLinks({ platform: 'telegram', platformUserId: userId, resourceKey: resourceKey(resource) });
    let revoked = 0;
    let unused = 0;
    const problems: string[] = [];
    for (const { link, state } of links) {
      const problem = await this.retire(resource, link);
      if (problem) problems.push(problem);
      else revoked += 1;
      if (state === 'active') unused += 1;
    }
    return { revoked, unused, problems };
  }

  /** Revokes one link on Telegram and records it once Telegram confirmed; returns what went wrong, if anything. */
  private async retire(resource: TelegramChat, link: string): Promise<string | undefined> {
    try {
      await this.api.revokeChatInviteLink(chatIdOf(resource), link);
      await this.options.store.confirmInviteLinkGone(link, 'revoked');
      return undefined;
    } catch (err) {
      if (matches(err, LINK_GONE)) {
        await this.options.store.confirmInviteLinkGone(link, 'expired');
        return undefined;
      }
      return describeTelegramError(err, this.api.token);
    }
  }

  /** Hands a message for the user to the notice sink (the outbox); never throws. */
  private async tell(userId: string, notice: AccessNotice, accountId: string | null = null): Promise<NotifyResult> {
    try {
      const result = await this.options.notices({ accountId, platform: 'telegram', platformUserId: userId }, notice);
      if (!result.sent) this.options.logger?.info({ platformUserId: userId, topic: notice.topic, detail: result.detail }, 'could not queue an access message');
      return result;
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      this.options.logger?.warn({ platformUserId: userId, topic: notice.topic, detail }, 'could not queue an access message');
      return { sent: false, detail };
    }
  }
}
