// A forwarded personal invite link admits nobody but its owner, in both invite modes (real grammy against the emulator, real SQLite).
import { afterEach, describe, expect, it } from 'vitest';
import { startAccessWorld, type AccessWorld } from './access.fixtures';

const linkIn = (text: string | undefined) => text?.match(/https:\/\/t\.me\/\+\S+/)?.[0];

describe('someone else\'s personal invite link', () => {
  let w: AccessWorld;
  afterEach(async () => w?.close());

  /** A VIP subscriber (101) with their personal link, and a free user (202) who was forwarded it. */
  async function forwarded(): Promise<{ ownerAccountId: string; freeAccountId: string; link: string }> {
    const vip = await w.subscriber(101, 'vip');
    const free = await w.subscriber(202, null);
    await w.reconciler.reconcile({ accountId: vip.accountId });
    const link = linkIn(w.emu.sentMessages(101).at(-1)?.text);
    expect(link).toBeDefined();
    // Later than Telegram's one message a second per chat allows after the invite.
    await w.clock.advance(60_000);
    return { ownerAccountId: vip.accountId, freeAccountId: free.accountId, link: link! };
  }

  it('declines a join request made with someone else\'s link, tells them how to subscribe, and still admits the owner', async () => {
    w = await startAccessWorld();
    const { ownerAccountId, freeAccountId, link } = await forwarded();

    expect(await w.joinWithLink(202, link)).toBe('declined');
    expect(w.emu.isMember(w.channel.id, 202)).toBe(false);
    const told = w.emu.sentMessages(202).at(-1)?.text ?? '';
    expect(told).toContain('/subscribe');

    // Another paying subscriber cannot use it either: each has their own.
    const other = await w.subscriber(303, 'vip');
    expect(await w.joinWithLink(303, link)).toBe('declined');
    expect(w.emu.sentMessages(303).at(-1)?.text).toContain('/join');

    // The owner's link is untouched, and it lets them in.
    expect(await w.store.listActiveInviteLinks({ now: w.clock.now(), platformUserId: '101' })).toHaveLength(1);
    expect(await w.joinWithLink(101, link)).toBe('joined');

    const intrusions = w.auditRows().filter((r) => r.action === 'access.intruder_declined');
    expect(intrusions.map((r) => [r.subjectId, r.data?.platformUserId, r.data?.linkOwnerPlatformUserId, r.data?.linkOwnerAccountId])).toEqual([
      [freeAccountId, '202', '101', ownerAccountId],
      [other.accountId, '303', '101', ownerAccountId],
    ]);
    expect(intrusions[0]?.reason).toContain('telegram:101');
    expect(w.auditRows().filter((r) => r.action === 'access.declined').map((r) => r.subjectId)).toEqual([freeAccountId, other.accountId]);
    // The link is a key to the chat: it is nowhere in the audit trail.
    expect(JSON.stringify(w.auditRows())).not.toContain(link);
  });

  it('removes a stranger who joined with someone else\'s member_limit link, and sends the owner a fresh link that lets them in', async () => {
    w = await startAccessWorld({ inviteMode: 'member_limit' });
    const { ownerAccountId, freeAccountId, link } = await forwarded();

    // Telegram admits the first comer of a member_limit link; the bot removes them at once.
    expect(w.emu.userJoinsWithLink(202, link)).toBe('joined');
    const before = w.emu.requests.length;
    await w.pumpUpdates();
    const methods = w.emu.requests.slice(before).map((r) => r.path.split('/').pop());
    expect(methods.filter((m) => m === 'banChatMember' || m === 'unbanChatMember')).toEqual(['banChatMember', 'unbanChatMember']);
    expect(w.emu.memberStatus(w.channel.id, 202)).toBe('left');
    expect(w.emu.sentMessages(202).at(-1)?.text).toContain('made for someone else');
    expect(w.emu.inviteLinks(w.channel.id).find((l) => l.invite_link === link)?.is_revoked).toBe(true);
    expect(w.emu.userJoinsWithLink(202, link)).toBe('revoked');

    // The payer is not locked out: a fresh link is on its way, and it works.
    const fresh = linkIn(w.emu.sentMessages(101).at(-1)?.text);
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(link);
    expect(w.emu.userJoinsWithLink(101, link)).toBe('revoked');
    expect(await w.joinWithLink(101, fresh!)).toBe('joined');
    expect(await w.store.listMembers('telegram', `telegram:chat:${w.channel.id}`)).toEqual([expect.objectContaining({ platformUserId: '101' })]);

    const rows = w.auditRows();
    const removed = rows.filter((r) => r.action === 'access.intruder_removed');
    expect(removed).toHaveLength(1);
    expect(removed[0]).toMatchObject({ subjectId: freeAccountId });
    expect(removed[0]?.data).toMatchObject({ platformUserId: '202', linkOwnerPlatformUserId: '101', linkOwnerAccountId: ownerAccountId, result: 'revoked' });
    expect(rows.filter((r) => r.action === 'access.granted').map((r) => r.data?.trigger)).toEqual(['reconcile', 'intrusion']);
    expect(JSON.stringify(rows)).not.toContain(link);
    expect(JSON.stringify(rows)).not.toContain(fresh);
  });

  it('removes the intruder but sends no fresh link to an owner who no longer pays', async () => {
    w = await startAccessWorld({ inviteMode: 'member_limit' });
    const vip = await w.subscriber(101, 'vip');
    await w.reconciler.reconcile({ accountId: vip.accountId });
    const link = linkIn(w.emu.sentMessages(101).at(-1)?.text)!;
    // Lapsed in Stripe, but the hook has not run yet: the link is still out.
    await w.accounts.upsertSubscription({ ...vip.subscription!, status: 'canceled' });
    await w.clock.advance(60_000);
    const sentBefore = w.emu.sentMessages(101).length;

    expect(w.emu.userJoinsWithLink(202, link)).toBe('joined');
    await w.pumpUpdates();
    expect(w.emu.isMember(w.channel.id, 202)).toBe(false);
    expect(w.emu.sentMessages(101)).toHaveLength(sentBefore);
    expect(w.auditRows().map((r) => r.action)).toContain('access.intruder_removed');
  });
});
