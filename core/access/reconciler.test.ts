import { afterEach, describe, expect, it } from 'vitest';
import { startAccessWorld, type AccessWorld } from '../../bots/telegram/access.fixtures';

const HOUR = 3_600_000;

describe('AccessReconciler (Telegram emulator, real grammy, real SQLite)', () => {
  let w: AccessWorld;
  afterEach(async () => w?.close());

  /** A lapsed subscriber and a stranger inside the channel (they came in by an admin's link), and a paying subscriber outside it. */
  async function drifted() {
    w = await startAccessWorld();
    const lapsed = await w.subscriber(301, 'vip', 'canceled');
    const paying = await w.subscriber(303, 'vip', 'active');
    const adminLink = (await w.api.createChatInviteLink(w.channel.id)).invite_link;
    expect(w.emu.userJoinsWithLink(301, adminLink)).toBe('joined');
    expect(w.emu.userJoinsWithLink(302, adminLink)).toBe('joined');
    await w.pumpUpdates();
    return { lapsed, paying };
  }

  const summary = (actions: { kind: string; person: { platformUserId: string }; reason: string; outcome: { result: string } | null }[]) =>
    actions.map((a) => [a.kind, a.person.platformUserId, a.reason, a.outcome?.result ?? null]).sort((a, b) => String(a[1]).localeCompare(String(b[1])));

  it('removes a lapsed member and a stranger, and invites a paying account missing from the channel', async () => {
    const { lapsed, paying } = await drifted();

    const report = await w.reconciler.reconcile();
    expect(summary(report.actions)).toEqual([
      ['revoke', '301', 'not entitled (canceled, plan free)', 'revoked'],
      ['revoke', '302', 'no account', 'revoked'],
      ['grant', '303', 'entitled (active, plan vip)', 'invited'],
    ]);
    expect(w.emu.memberStatus(w.channel.id, 301)).toBe('left');
    expect(w.emu.memberStatus(w.channel.id, 302)).toBe('left');
    expect(w.emu.sentMessages(303).at(-1)?.text).toMatch(/https:\/\/t\.me\/\+/);

    const access = w.auditRows().filter((r) => r.action.startsWith('access.'));
    expect(access.map((r) => [r.action, r.subjectId]).sort()).toEqual([
      ['access.granted', paying.accountId],
      ['access.revoked', lapsed.accountId],
      ['access.revoked', 'telegram:302'],
    ].sort());
    expect(access.every((r) => r.reason && r.data?.result && r.data?.detail && r.data?.trigger === 'reconcile')).toBe(true);

    // Repaired: the next run has nothing to do, and waits on the link it sent.
    await w.pumpUpdates();
    const again = await w.reconciler.reconcile();
    expect(again.actions).toEqual([]);
    expect(again.waiting.map((g) => g.holder.platformUserId)).toEqual(['303']);
  });

  it('changes nothing on a dry run: no call reaches Telegram, no row moves', async () => {
    await drifted();
    const requests = w.emu.requests.length;
    const memberships = await w.store.listMemberships();
    const auditCount = w.auditRows().length;

    const report = await w.reconciler.reconcile({ dryRun: true });
    expect(report.dryRun).toBe(true);
    expect(summary(report.actions)).toEqual([
      ['revoke', '301', 'not entitled (canceled, plan free)', null],
      ['revoke', '302', 'no account', null],
      ['grant', '303', 'entitled (active, plan vip)', null],
    ]);
    expect(w.emu.requests.length).toBe(requests);
    expect(await w.store.listMemberships()).toEqual(memberships);
    expect(w.auditRows()).toHaveLength(auditCount);
    expect(w.emu.isMember(w.channel.id, 301)).toBe(true);
  });

  it('makes a new link only after the unused one expired', async () => {
    w = await startAccessWorld();
    const paying = await w.subscriber(303, 'vip');
    await w.reconciler.reconcile({ accountId: paying.accountId });
    await w.clock.advance(23 * HOUR);
    expect((await w.reconciler.reconcile({ accountId: paying.accountId })).actions).toEqual([]);
    expect(w.emu.calls('createChatInviteLink')).toHaveLength(1);

    await w.clock.advance(2 * HOUR);
    const later = await w.reconciler.reconcile();
    expect(later.expiredLinks).toBe(1);
    expect(later.actions.map((a) => a.outcome?.result)).toEqual(['invited']);
    expect(w.emu.calls('createChatInviteLink')).toHaveLength(2);
  });

  it('runs one reconcile at a time, so overlapping runs hand out one link', async () => {
    w = await startAccessWorld();
    const paying = await w.subscriber(303, 'vip');
    const [a, b] = await Promise.all([w.reconciler.reconcile({ accountId: paying.accountId }), w.reconciler.reconcile()]);
    expect([...a.actions, ...b.actions].map((x) => x.kind)).toEqual(['grant']);
    expect(w.emu.calls('createChatInviteLink')).toHaveLength(1);
  });
});
