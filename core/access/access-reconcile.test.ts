// A full reconcile against the neutral memory gate: strangers removed, missing access granted, dry runs inert.
import { afterEach, describe, expect, it } from 'vitest';
import { DAY, startMemoryAccessWorld, type MemoryAccessWorld } from './memory-access.fixtures';

describe('a full access reconcile through a neutral gate (memory gate, real SQLite)', () => {
  let w: MemoryAccessWorld;
  afterEach(() => w?.close());

  /** A paying member, a stranger holding the gated role (handed out by hand) and a paying account that never got it. */
  async function drifted() {
    w = startMemoryAccessWorld();
    const member = await w.subscriber('101', 'vip');
    await w.onEvent(w.gate.admit(w.resource, '999'));
    // Saved without the billing hook: no job, so the access is missing.
    const account = await w.accounts.createAccount({ displayName: 'user 303' });
    await w.accounts.addIdentity(account.id, 'discord', '303');
    await w.accounts.upsertSubscription({ accountId: account.id, planId: 'vip', status: 'active', currentPeriodEnd: w.clock.now() + 30 * DAY });
    return { member, missingAccountId: account.id };
  }

  const summary = (report: Awaited<ReturnType<MemoryAccessWorld['reconciler']['reconcile']>>) =>
    report.actions.map((a) => [a.kind, a.person.platformUserId, a.reason, a.outcome?.result ?? null]).sort((a, b) => String(a[1]).localeCompare(String(b[1])));

  it('removes a stranger holding the gated resource and grants a paying account that lacks it', async () => {
    const { missingAccountId } = await drifted();
    expect(await w.store.getMembership('discord', w.resourceKey, '999')).toMatchObject({ state: 'member' });

    const report = await w.reconciler.reconcile();
    expect(summary(report)).toEqual([
      ['grant', '303', 'entitled (active, plan vip)', 'granted'],
      ['revoke', '999', 'no account', 'revoked'],
    ]);
    expect(w.gate.holdersOf(w.resource)).toEqual(['101', '303']);
    expect(await w.store.getMembership('discord', w.resourceKey, '999')).toMatchObject({ state: 'removed' });
    expect(w.accessAudit().slice(1).sort()).toEqual([
      ['access.granted', missingAccountId, 'entitled (active, plan vip)'],
      ['access.revoked', 'discord:999', 'no account'],
    ]);
    expect(w.gateNotices.filter((n) => n.person.platformUserId === '999').map((n) => [n.person.accountId, n.notice.topic])).toEqual([[null, 'removed']]);

    expect((await w.reconciler.reconcile()).actions).toEqual([]);
  });

  it('lists what it would do on a dry run and changes nothing: no gate call, no row, no audit, no notice', async () => {
    await drifted();
    const calls = w.gate.calls.length;
    const notices = w.gateNotices.length;
    const memberships = await w.store.listMemberships();
    const audit = w.accessAudit();

    const report = await w.reconciler.reconcile({ dryRun: true });
    expect(report.dryRun).toBe(true);
    expect(summary(report)).toEqual([
      ['grant', '303', 'entitled (active, plan vip)', null],
      ['revoke', '999', 'no account', null],
    ]);
    expect(w.gate.calls).toHaveLength(calls);
    expect(w.gateNotices).toHaveLength(notices);
    expect(await w.store.listMemberships()).toEqual(memberships);
    expect(w.accessAudit()).toEqual(audit);
    expect(w.gate.holdersOf(w.resource)).toEqual(['101', '999']);
  });

  it('acts only on the one account it is asked about, leaving strangers to the full run', async () => {
    const { missingAccountId } = await drifted();
    const report = await w.reconciler.reconcile({ accountId: missingAccountId });
    expect(summary(report)).toEqual([['grant', '303', 'entitled (active, plan vip)', 'granted']]);
    expect(w.gate.holdersOf(w.resource)).toEqual(['101', '303', '999']);
  });
});
