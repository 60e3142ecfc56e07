import type { ChatInviteLink, ChatMember, Update } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { startTelegramEmulator, type ChannelView, type TelegramEmulator } from './emulator';
import { ok, rawClient, type RawCall } from './test-client';

describe('Telegram emulator: channel membership', () => {
  let emu: TelegramEmulator;
  let clock: FakeClock;
  let call: RawCall;
  let channel: ChannelView;

  async function start(): Promise<void> {
    clock = new FakeClock(Date.UTC(2026, 0, 5, 12, 0, 0));
    emu = await startTelegramEmulator({ clock });
    call = rawClient(emu);
    channel = emu.createChannel({ title: 'Pro signals' });
    // Opt in to chat_member updates, as a bot that tracks members must.
    await ok(call('getUpdates', { offset: -1, allowed_updates: ['message', 'chat_member', 'chat_join_request', 'my_chat_member'] }));
    await ok(call('getUpdates', { offset: emu.updateLog.length + 1 }));
  }
  const nowSec = () => Math.floor(clock.now() / 1000);
  const link = (params: Record<string, unknown> = {}) => ok(call<ChatInviteLink>('createChatInviteLink', { chat_id: channel.id, ...params }));
  const updates = () => ok(call<Update[]>('getUpdates'));

  afterEach(async () => emu.stop());

  it('creates invite links with their options, and refuses member_limit with creates_join_request', async () => {
    await start();
    const personal = await link({ name: 'user 5', member_limit: 1, expire_date: nowSec() + 3600 });
    expect(personal).toEqual({
      invite_link: expect.stringMatching(/^https:\/\/t\.me\/\+[A-Za-z0-9_-]{16}$/),
      creator: { id: emu.botId, is_bot: true, first_name: 'Signalcast', username: 'signalcast_bot' },
      creates_join_request: false,
      is_primary: false,
      is_revoked: false,
      name: 'user 5',
      expire_date: nowSec() + 3600,
      member_limit: 1,
    });
    expect(await link({ creates_join_request: true })).toMatchObject({ creates_join_request: true, pending_join_request_count: 0 });
    expect(await call('createChatInviteLink', { chat_id: channel.id, member_limit: 1, creates_join_request: true })).toEqual({
      status: 400,
      body: { ok: false, error_code: 400, description: "Bad Request: member_limit can't be specified for links requiring administrator approval" },
    });
    expect((await call('createChatInviteLink', { chat_id: -1009999 })).body.description).toBe('Bad Request: chat not found');
  });

  it('admits one person through a member_limit 1 link and emits chat_member with the link', async () => {
    await start();
    const personal = await link({ member_limit: 1 });
    expect(emu.userJoinsWithLink(5, personal.invite_link)).toBe('joined');
    expect(emu.userJoinsWithLink(6, personal.invite_link)).toBe('limit_reached');
    expect(emu.isMember(channel.id, 5)).toBe(true);
    expect(emu.isMember(channel.id, 6)).toBe(false);
    const [update] = await updates();
    expect(update?.chat_member).toMatchObject({
      chat: { id: channel.id, type: 'channel' },
      from: { id: 5 },
      old_chat_member: { status: 'left', user: { id: 5 } },
      new_chat_member: { status: 'member', user: { id: 5 } },
      invite_link: { invite_link: personal.invite_link, member_limit: 1 },
    });
  });

  it('admits nobody through an expired or a revoked link', async () => {
    await start();
    const expiring = await link({ expire_date: nowSec() + 60 });
    const revoked = await link();
    expect(await ok(call<ChatInviteLink>('revokeChatInviteLink', { chat_id: channel.id, invite_link: revoked.invite_link }))).toMatchObject({ is_revoked: true });
    await clock.advance(60_000);
    expect(emu.userJoinsWithLink(5, expiring.invite_link)).toBe('expired');
    expect(emu.userJoinsWithLink(5, revoked.invite_link)).toBe('revoked');
    expect(emu.userJoinsWithLink(5, 'https://t.me/+nothing')).toBe('invalid');
    expect(emu.members(channel.id).map((m) => m.status)).toEqual(['creator', 'administrator']);
  });

  it('keeps a banned user out until the unban, after which the old link works again', async () => {
    await start();
    const personal = await link({ member_limit: 1 });
    emu.userJoinsWithLink(5, personal.invite_link);
    expect(await ok(call('banChatMember', { chat_id: channel.id, user_id: 5 }))).toBe(true);
    expect(emu.memberStatus(channel.id, 5)).toBe('kicked');
    expect(emu.userJoinsWithLink(5, personal.invite_link)).toBe('banned');
    expect(await ok(call<ChatMember>('getChatMember', { chat_id: channel.id, user_id: 5 }))).toMatchObject({ status: 'kicked', until_date: 0 });
    await ok(call('unbanChatMember', { chat_id: channel.id, user_id: 5, only_if_banned: true }));
    expect(emu.memberStatus(channel.id, 5)).toBe('left');
    expect(emu.userJoinsWithLink(5, personal.invite_link)).toBe('joined');
    const statuses = (await updates()).map((u) => `${u.chat_member?.old_chat_member.status}->${u.chat_member?.new_chat_member.status}`);
    expect(statuses).toEqual(['left->member', 'member->kicked', 'kicked->left', 'left->member']);
  });

  it('keeps the old link closed after ban and unban when it was revoked', async () => {
    await start();
    const personal = await link({ member_limit: 1 });
    emu.userJoinsWithLink(5, personal.invite_link);
    await ok(call('banChatMember', { chat_id: channel.id, user_id: 5 }));
    await ok(call('unbanChatMember', { chat_id: channel.id, user_id: 5 }));
    await ok(call('revokeChatInviteLink', { chat_id: channel.id, invite_link: personal.invite_link }));
    expect(emu.userJoinsWithLink(5, personal.invite_link)).toBe('revoked');
  });

  it('removes a current member on unban unless only_if_banned is set', async () => {
    await start();
    const open = await link();
    emu.userJoinsWithLink(5, open.invite_link);
    await ok(call('unbanChatMember', { chat_id: channel.id, user_id: 5, only_if_banned: true }));
    expect(emu.isMember(channel.id, 5)).toBe(true);
    await ok(call('unbanChatMember', { chat_id: channel.id, user_id: 5 }));
    expect(emu.memberStatus(channel.id, 5)).toBe('left');
  });

  it('lifts a ban when its until_date passes', async () => {
    await start();
    const open = await link();
    emu.addUser(5);
    await ok(call('banChatMember', { chat_id: channel.id, user_id: 5, until_date: nowSec() + 120 }));
    expect(emu.userJoinsWithLink(5, open.invite_link)).toBe('banned');
    await clock.advance(120_000);
    expect(emu.userJoinsWithLink(5, open.invite_link)).toBe('joined');
  });

  it('turns a creates_join_request link into a join request the bot approves or declines', async () => {
    await start();
    const gated = await link({ creates_join_request: true, name: 'gated' });
    expect(emu.userJoinsWithLink(5, gated.invite_link)).toBe('requested');
    expect(emu.userJoinsWithLink(5, gated.invite_link)).toBe('already_requested');
    expect(emu.userJoinsWithLink(6, gated.invite_link)).toBe('requested');
    expect(emu.joinRequests(channel.id)).toEqual([5, 6]);
    expect(emu.isMember(channel.id, 5)).toBe(false);
    const requests = await updates();
    expect(requests.map((u) => u.chat_join_request?.from.id)).toEqual([5, 6]);
    expect(requests[1]?.chat_join_request).toMatchObject({ user_chat_id: 6, invite_link: { invite_link: gated.invite_link, pending_join_request_count: 2 } });
    // The requester can be written to before they ever wrote to the bot.
    expect((await call('sendMessage', { chat_id: 5, text: 'Checking your plan' })).status).toBe(200);
    await ok(call('getUpdates', { offset: (requests[1]?.update_id ?? 0) + 1 }));

    expect(await ok(call('approveChatJoinRequest', { chat_id: channel.id, user_id: 5 }))).toBe(true);
    expect(await ok(call('declineChatJoinRequest', { chat_id: channel.id, user_id: 6 }))).toBe(true);
    expect(emu.isMember(channel.id, 5)).toBe(true);
    expect(emu.isMember(channel.id, 6)).toBe(false);
    const approved = await updates();
    expect(approved.map((u) => u.chat_member?.new_chat_member)).toMatchObject([{ status: 'member', user: { id: 5 } }]);
    expect(approved[0]?.chat_member).toMatchObject({ via_join_request: true, invite_link: { invite_link: gated.invite_link } });
    expect(await call('approveChatJoinRequest', { chat_id: channel.id, user_id: 6 })).toEqual({
      status: 400,
      body: { ok: false, error_code: 400, description: 'Bad Request: HIDE_REQUESTER_MISSING' },
    });
  });

  it('does not let a banned user even ask to join', async () => {
    await start();
    const gated = await link({ creates_join_request: true });
    emu.addUser(5);
    await ok(call('banChatMember', { chat_id: channel.id, user_id: 5 }));
    expect(emu.userJoinsWithLink(5, gated.invite_link)).toBe('banned');
  });

  it("answers each member's status, and refuses to ban the owner", async () => {
    await start();
    const open = await link();
    emu.userJoinsWithLink(5, open.invite_link);
    emu.addUser(6);
    const status = async (user_id: number) => (await ok(call<ChatMember>('getChatMember', { chat_id: channel.id, user_id }))).status;
    expect(await Promise.all([1, emu.botId, 5, 6].map(status))).toEqual(['creator', 'administrator', 'member', 'left']);
    expect((await call('getChatMember', { chat_id: channel.id, user_id: 404 })).body.description).toBe('Bad Request: user not found');
    expect((await call('banChatMember', { chat_id: channel.id, user_id: 1 })).body.description).toBe("Bad Request: can't remove chat owner");
    expect(await ok(call('getChatMemberCount', { chat_id: channel.id }))).toBe(3);
  });

  it('emits chat_member when a member leaves, and my_chat_member when the bot leaves', async () => {
    await start();
    const open = await link();
    emu.userJoinsWithLink(5, open.invite_link);
    expect(emu.userLeaves(5, channel.id)).toBe(true);
    expect(await ok(call('leaveChat', { chat_id: channel.id }))).toBe(true);
    const kinds = (await updates()).map((u) => Object.keys(u)[1]);
    expect(kinds).toEqual(['chat_member', 'chat_member', 'my_chat_member']);
    expect((await call('getChat', { chat_id: channel.id })).body.description).toBe('Bad Request: chat not found');
    expect((await call('sendMessage', { chat_id: channel.id, text: 'x' })).body.description).toBe('Forbidden: bot is not a member of the channel chat');
  });

  it('shows joins and leaves in a supergroup as service messages too', async () => {
    await start();
    const group = emu.createChannel({ title: 'Chat', type: 'supergroup' });
    const open = await ok(call<ChatInviteLink>('createChatInviteLink', { chat_id: group.id }));
    await updates().then((u) => ok(call('getUpdates', { offset: (u.at(-1)?.update_id ?? 0) + 1 })));
    emu.userJoinsWithLink(5, open.invite_link);
    const got = await updates();
    expect(got.map((u) => Object.keys(u)[1])).toEqual(['chat_member', 'message']);
    expect(got[1]?.message?.new_chat_members?.map((u) => u.id)).toEqual([5]);
  });
});
