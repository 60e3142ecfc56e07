import { afterEach, describe, expect, it } from 'vitest';
import { startAccessWorld, type AccessWorld } from '../../bots/telegram/access.fixtures';

describe('access events (Telegram emulator, real grammy, real SQLite)', () => {
  let w: AccessWorld;
  afterEach(async () => w?.close());

  /** The operator's link for the channel that asks admins (the bot) to approve each request. */
  async function requestLink(): Promise<string> {
    return (await w.api.createChatInviteLink(w.channel.id, { creates_join_request: true })).invite_link;
  }

  it('declines a join request from someone not entitled, and tells them how to subscribe', async () => {
    w = await startAccessWorld();
    const link = await requestLink();
    const free = await w.subscriber(404, null);
    expect(w.emu.userJoinsWithLink(303, link)).toBe('requested');
    expect(w.emu.userJoinsWithLink(404, link)).toBe('requested');

    const events = await w.pumpUpdates();
    expect(events.map((e) => e.type)).toEqual(['join_request', 'join_request']);
    expect(w.emu.joinRequests(w.channel.id)).toEqual([]);
    expect(w.emu.isMember(w.channel.id, 303)).toBe(false);
    expect(w.emu.isMember(w.channel.id, 404)).toBe(false);
    // A requester may be written to while the request is pending: the message went before the decline.
    expect(w.emu.sentMessages(303).at(-1)?.text).toContain('/subscribe');

    const declined = w.auditRows().filter((r) => r.action === 'access.declined');
    expect(declined.map((r) => [r.subjectId, r.reason])).toEqual([
      ['telegram:303', 'no account'],
      [free.accountId, 'not entitled (no_subscription, plan free)'],
    ]);
    expect(declined[0]?.data).toMatchObject({ trigger: 'join_request', result: 'revoked' });
    expect(await w.store.getMembership('telegram', `telegram:chat:${w.channel.id}`, '303')).toMatchObject({ state: 'left' });
  });

  it('approves a join request from an entitled account', async () => {
    w = await startAccessWorld();
    const link = await requestLink();
    const vip = await w.subscriber(505, 'vip', 'trialing');
    expect(w.emu.userJoinsWithLink(505, link)).toBe('requested');

    await w.pumpUpdates();
    expect(w.emu.isMember(w.channel.id, 505)).toBe(true);
    expect(w.auditRows().filter((r) => r.action.startsWith('access.')).map((r) => [r.action, r.subjectId, r.reason])).toEqual([
      ['access.granted', vip.accountId, 'entitled (trialing, plan vip)'],
    ]);
    // The chat_member update that follows keeps the tracked membership.
    await w.pumpUpdates();
    expect(await w.store.getMembership('telegram', `telegram:chat:${w.channel.id}`, '505')).toMatchObject({ state: 'member' });
    // Already in: the reconciler has nothing to do for them.
    expect((await w.reconciler.reconcile({ accountId: vip.accountId })).actions).toEqual([]);
  });

  it('leaves join requests to chats no plan gates to the chat admins', async () => {
    w = await startAccessWorld();
    const other = w.emu.createChannel({ title: 'Community', type: 'supergroup' });
    const link = (await w.api.createChatInviteLink(other.id, { creates_join_request: true })).invite_link;
    expect(w.emu.userJoinsWithLink(606, link)).toBe('requested');
    await w.pumpUpdates();
    expect(w.emu.joinRequests(other.id)).toEqual([606]);
    expect(w.emu.calls('declineChatJoinRequest')).toHaveLength(0);
    expect(w.auditRows()).toEqual([]);
  });

  it('tracks a member who leaves on their own, and invites them again while they pay', async () => {
    w = await startAccessWorld();
    const vip = await w.subscriber(707, 'vip');
    await w.reconciler.reconcile({ accountId: vip.accountId });
    const link = w.emu.sentMessages(707).at(-1)?.text?.match(/https:\/\/t\.me\/\+\S+/)?.[0];
    expect(await w.joinWithLink(707, link!)).toBe('joined');
    w.emu.userLeaves(707, w.channel.id);
    await w.pumpUpdates();
    expect(await w.store.getMembership('telegram', `telegram:chat:${w.channel.id}`, '707')).toMatchObject({ state: 'left' });

    await w.clock.advance(60_000);
    const report = await w.reconciler.reconcile({ accountId: vip.accountId });
    expect(report.actions.map((a) => [a.kind, a.outcome?.result])).toEqual([['grant', 'invited']]);
  });
});
