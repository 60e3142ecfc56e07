// What the platform changes on its own, through the neutral core on real SQLite: holders read by the drift run, members joining and leaving, access blocked until an operator acts.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock';
import { DEFAULT_PLANS, type PlansConfig } from '../plans';
import { recordingLogger } from '../testing/logger';
import { openMemoryDatabase } from '../../db/client';
import { SqliteAccessJobStore } from '../../db/stores/access-job-store';
import { SqliteAccessStore } from '../../db/stores/access-store';
import { SqliteAccountStore } from '../../db/stores/account-store';
import { SqliteAuditLog } from '../../db/stores/audit-store';
import { createAccessEventHandler } from './inbound';
import { AccessJobRunner } from './job-runner';
import type { AccessResource, StrangerHandling } from './ports';
import { AccessReconciler } from './reconciler';
import { MemoryAccessGate, recordingNoticeSink } from './testing/memory-gate';

const GUILD = '111111111111111111';
const ROLE: AccessResource = { platform: 'discord', kind: 'role', tenant: GUILD, id: '222222222222222222' };
const KEY = `discord:role:${GUILD}:${ROLE.id}`;
const plans: PlansConfig = { ...DEFAULT_PLANS, plans: DEFAULT_PLANS.plans.map((p) => (p.id === 'vip' ? { ...p, access: [ROLE] } : p)) };

function world(strangers: StrangerHandling = 'report') {
  const db = openMemoryDatabase();
  const clock = new FakeClock();
  const logger = recordingLogger();
  const audit = new SqliteAuditLog({ db, clock });
  const accounts = new SqliteAccountStore({ db, clock });
  const store = new SqliteAccessStore({ db, clock });
  const jobs = new SqliteAccessJobStore({ db });
  const gate = new MemoryAccessGate({ platform: 'discord', notices: recordingNoticeSink(), listsHolders: true, strangers });
  const reconciler = new AccessReconciler({ store, gates: [gate], plans, clock, audit, logger });
  const runner = new AccessJobRunner({ jobs, reconciler, clock, logger });
  const enqueue = (accountId: string, trigger: string, actor: string) => jobs.enqueue({ accountId, trigger, actor }, clock.now());
  const onEvent = createAccessEventHandler({ store, gates: [gate], plans, clock, audit, logger, enqueue, wakeParked: () => runner.wakeParked() });
  const holds = (userId: string) => gate.holds(ROLE, userId);
  const state = async (userId: string) => (await store.getMembership('discord', KEY, userId))?.state;
  const audited = (action: string) => (db.$client.prepare('select count(*) as n from audit_events where action = ?').get(action) as { n: number }).n;
  async function subscriber(userId: string, status: string) {
    const account = await accounts.createAccount({ displayName: userId });
    await accounts.addIdentity(account.id, 'discord', userId);
    await accounts.upsertSubscription({ accountId: account.id, planId: 'vip', status, source: 'stripe', currentPeriodEnd: clock.now() + 86_400_000 });
    return account.id;
  }
  return { db, clock, logger, gate, reconciler, runner, jobs, onEvent, holds, state, audited, subscriber };
}

describe('drift: the full run reads who holds each role first', () => {
  it('gives back a role taken away unseen, adopts an entitled hand-given holder, and reports a stranger without touching them', async () => {
    const w = world('report');
    await w.subscriber('1', 'active');
    await w.subscriber('2', 'active');
    await w.reconciler.reconcile();
    expect([w.holds('1'), w.holds('2')]).toEqual([true, true]);
    // Unseen by any event: 1 loses the role, 3 (no account) gets it by hand.
    w.gate.setHolding(ROLE, '1', false);
    w.gate.setHolding(ROLE, '3', true);
    const dry = await w.reconciler.reconcile({ dryRun: true });
    expect(dry.drift.map((d) => [d.platformUserId, d.to])).toEqual([['1', 'left'], ['3', 'held']]);
    expect(dry.actions.map((a) => [a.kind, a.person.platformUserId])).toEqual([['grant', '1']]);
    expect(dry.unmanaged.map((u) => [u.person.platformUserId, u.reason])).toEqual([['3', 'no account']]);
    expect(await w.state('1')).toBe('member');

    const run = await w.reconciler.reconcile();
    expect(run.actions.map((a) => [a.kind, a.person.platformUserId, a.outcome?.result])).toEqual([['grant', '1', 'granted']]);
    expect([w.holds('1'), w.holds('3'), await w.state('3')]).toEqual([true, true, 'held']);
  });

  it('adopts an entitled person who holds the role by hand, so that a lapse later removes it', async () => {
    const w = world('report');
    w.gate.setHolding(ROLE, '4', true);
    await w.subscriber('4', 'active');
    await w.reconciler.reconcile();
    expect(await w.state('4')).toBe('member');
  });

  it('removes a stranger\'s hand-given role when the platform removes strangers', async () => {
    const w = world('remove');
    w.gate.setHolding(ROLE, '5', true);
    const run = await w.reconciler.reconcile();
    expect(run.actions.map((a) => [a.kind, a.person.platformUserId, a.unmanaged])).toEqual([['revoke', '5', true]]);
    expect(w.holds('5')).toBe(false);
  });
});

describe('members joining, changing roles in and leaving a tenant', () => {
  it('tracks a leave, and queues the account\'s job on a join, which gives the role back', async () => {
    const w = world();
    await w.subscriber('1', 'active');
    await w.reconciler.reconcile();
    w.gate.setHolding(ROLE, '1', false);
    await w.onEvent({ type: 'tenant_member', actor: { platform: 'discord', platformUserId: '1' }, tenant: GUILD, state: 'left' });
    expect(await w.state('1')).toBe('left');
    expect(w.jobs.list({ limit: 5 })).toEqual([]);
    await w.onEvent({ type: 'tenant_member', actor: { platform: 'discord', platformUserId: '1' }, tenant: GUILD, state: 'joined', holds: [GUILD] });
    expect(await w.runner.runDue()).toBe(1);
    expect(w.holds('1')).toBe(true);
  });

  it('marks a role that appeared by hand as held, and one taken away as left, ignoring other tenants and roles', async () => {
    const w = world();
    await w.onEvent({ type: 'tenant_member', actor: { platform: 'discord', platformUserId: '7' }, tenant: GUILD, state: 'present', holds: [ROLE.id, '999'] });
    expect(await w.state('7')).toBe('held');
    await w.onEvent({ type: 'tenant_member', actor: { platform: 'discord', platformUserId: '7' }, tenant: '333333333333333333', state: 'present', holds: [] });
    expect(await w.state('7')).toBe('held');
    await w.onEvent({ type: 'tenant_member', actor: { platform: 'discord', platformUserId: '7' }, tenant: GUILD, state: 'present', holds: ['999'] });
    expect(await w.state('7')).toBe('left');
  });
});

describe('access blocked until an operator changes the platform', () => {
  it('is told once however many retries, parks the job, and works again after the role order changes', async () => {
    const w = world();
    w.gate.failNext('the VIP role is not below the bot\'s highest role: move the bot\'s role above VIP', { code: 'hierarchy', count: 3 });
    const accountId = await w.subscriber('1', 'active');
    w.jobs.enqueue({ accountId, trigger: 'subscription', actor: 'stripe' }, w.clock.now());
    await w.runner.runDue();
    expect(w.jobs.list({ limit: 5 }).map((j) => j.state)).toEqual(['parked']);
    // Woken twice (the drift run, a role update): refused again, parked again, told no more.
    await w.reconciler.reconcile({ trigger: 'scheduled' });
    await w.onEvent({ type: 'tenant_roles', platform: 'discord', tenant: GUILD });
    await w.runner.runDue();
    expect(w.jobs.list({ limit: 5 }).map((j) => j.state)).toEqual(['parked']);
    expect(w.logger.records.filter((r) => r.level === 'error' || r.level === 'warn').map((r) => r.msg)).toEqual([
      expect.stringContaining('access blocked on discord:role'),
    ]);
    expect(w.audited('access.blocked')).toBe(1);
    // The role moved: the next wake grants, and the block is cleared (a later one would be told again).
    await w.onEvent({ type: 'tenant_roles', platform: 'discord', tenant: GUILD });
    await w.runner.runDue();
    expect(w.holds('1')).toBe(true);
    expect(w.jobs.list({ limit: 5 }).map((j) => j.state)).toEqual(['done']);
    expect(w.audited('access.unblocked')).toBe(1);
  });
});
