// The core access rules (grace, cancel at period end, lapse, paying again) against the neutral memory gate.
import { afterEach, describe, expect, it } from 'vitest';
import { DAY, startMemoryAccessWorld, type MemoryAccessWorld } from './memory-access.fixtures';

const MINUTE = 60_000;

describe('access rules through a neutral gate (memory gate, real SQLite)', () => {
  let w: MemoryAccessWorld;
  afterEach(() => w?.close());

  const summary = (report: Awaited<ReturnType<MemoryAccessWorld['reconciler']['reconcile']>>) =>
    report.actions.map((a) => [a.kind, a.person.platformUserId, a.reason, a.outcome?.result ?? null]);

  it('keeps a past_due subscriber in for the plans\' grace days and removes them once grace ends', async () => {
    w = startMemoryAccessWorld();
    const vip = await w.subscriber('101', 'vip');
    expect(w.gate.holds(w.resource, '101')).toBe(true);

    await w.change(vip, { status: 'past_due', pastDueSince: w.clock.now() });
    expect(w.jobs.list({ limit: 1 })[0]).toMatchObject({ state: 'done', outcome: 'nothing to do' });
    expect(w.gate.holds(w.resource, '101')).toBe(true);

    await w.clock.advance(w.plans.graceDays * DAY - MINUTE);
    expect(summary(await w.reconciler.reconcile())).toEqual([]);
    expect(w.gate.holds(w.resource, '101')).toBe(true);

    await w.clock.advance(MINUTE);
    expect(summary(await w.reconciler.reconcile())).toEqual([['revoke', '101', 'not entitled (grace_ended, plan free)', 'revoked']]);
    expect(w.gate.holds(w.resource, '101')).toBe(false);
    expect(await w.store.getMembership('discord', w.resourceKey, '101')).toMatchObject({ state: 'removed' });
    expect(w.told(vip).gate).toEqual(['welcome', 'removed']);
  });

  it('keeps a subscriber who cancelled at period end in until the period ends, then removes them', async () => {
    w = startMemoryAccessWorld();
    const periodEnd = w.clock.now() + 10 * DAY;
    const vip = await w.subscriber('202', 'vip', { currentPeriodEnd: periodEnd });

    await w.change(vip, { cancelAtPeriodEnd: true });
    expect(w.gate.holds(w.resource, '202')).toBe(true);
    expect(w.gate.callsOf('revoke')).toEqual([]);

    await w.clock.advance(periodEnd - MINUTE - w.clock.now());
    expect(summary(await w.reconciler.reconcile())).toEqual([]);
    expect(w.gate.holds(w.resource, '202')).toBe(true);

    // Stripe still says 'active': the period's end decides.
    await w.clock.advance(MINUTE);
    expect(vip.subscription.status).toBe('active');
    expect(summary(await w.reconciler.reconcile())).toEqual([['revoke', '202', 'not entitled (canceled_at_period_end, plan free)', 'revoked']]);
    expect(w.gate.holds(w.resource, '202')).toBe(false);
  });

  it('removes a lapsed subscriber and tells them once, then lets them back in when they pay again', async () => {
    w = startMemoryAccessWorld();
    const vip = await w.subscriber('303', 'vip');
    // The grant's own message is the welcome: the billing hook queues none beside it.
    expect(w.told(vip)).toEqual({ gate: ['welcome'], outbox: [] });

    await w.change(vip, { status: 'canceled' });
    expect(w.gate.holds(w.resource, '303')).toBe(false);
    expect(w.told(vip)).toEqual({ gate: ['welcome', 'removed'], outbox: [] });

    // Later runs find nothing to do and say nothing more.
    expect(summary(await w.reconciler.reconcile())).toEqual([]);
    await w.clock.advance(DAY);
    expect(summary(await w.reconciler.reconcile({ accountId: vip.accountId }))).toEqual([]);
    expect(w.gate.callsOf('revoke')).toHaveLength(1);
    expect(w.told(vip)).toEqual({ gate: ['welcome', 'removed'], outbox: [] });

    await w.change(vip, { status: 'active', currentPeriodEnd: w.clock.now() + 30 * DAY });
    expect(w.gate.holds(w.resource, '303')).toBe(true);
    expect(w.told(vip)).toEqual({ gate: ['welcome', 'removed', 'welcome'], outbox: [] });
    expect(w.accessAudit()).toEqual([
      ['access.granted', vip.accountId, 'entitled (active, plan vip)'],
      ['access.revoked', vip.accountId, 'not entitled (canceled, plan free)'],
      ['access.granted', vip.accountId, 'entitled (active, plan vip)'],
    ]);
  });
});
