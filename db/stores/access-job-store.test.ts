import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { queueSubscriptionChange } from '../../core/access/subscription-hook';
import { DEFAULT_PLANS } from '../../core/plans';
import { openMemoryDatabase, type Db } from '../client';
import { SqliteAccessJobStore } from './access-job-store';
import { SqliteAccessStore } from './access-store';
import { SqliteAccountStore } from './account-store';
import { SqliteAuditLog } from './audit-store';
import { SqliteNoticeOutbox } from './notice-outbox';
import { SqliteSubscriptionWriter } from './subscription-writer';

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const DAY = 86_400_000;

async function world() {
  const db = openMemoryDatabase();
  const clock = new FakeClock(T0);
  const accounts = new SqliteAccountStore({ db, clock });
  const jobs = new SqliteAccessJobStore({ db });
  const account = await accounts.createAccount({ displayName: 'Ada' });
  await accounts.addIdentity(account.id, 'telegram', '4242');
  return { db, clock, accounts, jobs, accountId: account.id };
}

const count = (db: Db, table: string): number => (db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;

describe('access jobs in SQLite', () => {
  it('keeps one pending job per account: a second change joins it and makes it due now', async () => {
    const { jobs, accountId } = await world();
    const first = jobs.enqueue({ accountId, trigger: 'subscription', actor: 'stripe' }, T0);
    expect(first.coalesced).toBe(false);
    // The first failed and waits out a backoff; a new change arrives.
    expect(jobs.claimDue(T0, 10).map((j) => j.id)).toEqual([first.job.id]);
    jobs.retryLater(first.job.id, T0, T0 + 5_000, 'network error', 'failed');
    const second = jobs.enqueue({ accountId, trigger: 'grant', actor: 'operator' }, T0 + 1_000);
    expect(second).toMatchObject({ coalesced: true, job: { id: first.job.id, dueAt: T0 + 1_000, trigger: 'grant', attempts: 1 } });
    expect(jobs.list({ limit: 10 })).toHaveLength(1);
  });

  it('gives a change that arrives while the job runs a job of its own, which carries on when the running one fails', async () => {
    const { jobs, accountId } = await world();
    const { job } = jobs.enqueue({ accountId, trigger: 'subscription', actor: 'stripe' }, T0);
    expect(jobs.claimDue(T0, 10)[0]).toMatchObject({ id: job.id, state: 'running', attempts: 1 });
    const newer = jobs.enqueue({ accountId, trigger: 'subscription', actor: 'stripe' }, T0);
    expect(newer.coalesced).toBe(false);
    jobs.retryLater(job.id, T0, T0 + 5_000, 'refused', 'failed');
    expect(jobs.get(job.id)).toMatchObject({ state: 'done', lastError: expect.stringContaining(`carried on by ${newer.job.id}`) });
    expect(jobs.claimDue(T0, 10).map((j) => j.id)).toEqual([newer.job.id]);
  });

  it('claims only due jobs, puts jobs a crash left running back, and retries dead ones from the start', async () => {
    const { jobs, accountId, accounts } = await world();
    const other = await accounts.createAccount({});
    const { job } = jobs.enqueue({ accountId, trigger: 'subscription', actor: 'stripe' }, T0);
    jobs.claimDue(T0, 10);
    jobs.retryLater(job.id, T0, T0 + 10_000, 'refused', 'failed');
    expect(jobs.claimDue(T0 + 9_999, 10)).toEqual([]);
    expect(jobs.nextDueAt()).toBe(T0 + 10_000);
    expect(jobs.claimDue(T0 + 10_000, 10)).toHaveLength(1);
    expect(jobs.recoverRunning(T0 + 20_000)).toBe(1);
    expect(jobs.get(job.id)).toMatchObject({ state: 'pending', dueAt: T0 + 20_000, attempts: 2 });

    jobs.claimDue(T0 + 20_000, 10);
    jobs.kill(job.id, T0 + 20_000, 'out of attempts', 'failed');
    const dead = jobs.enqueue({ accountId: other.id, trigger: 'grant', actor: 'operator' }, T0);
    jobs.claimDue(T0 + 30_000, 10);
    jobs.kill(dead.job.id, T0 + 30_000, 'out of attempts', 'failed');
    expect(jobs.list({ states: ['dead'], limit: 10 }).map((j) => j.id)).toEqual([dead.job.id, job.id]);
    expect(jobs.retryDead([job.id], T0 + 40_000)).toBe(1);
    expect(jobs.get(job.id)).toMatchObject({ state: 'pending', attempts: 0, dueAt: T0 + 40_000, finishedAt: null });
    expect(jobs.retryDead('all', T0 + 40_000)).toBe(1);
    expect(jobs.list({ states: ['dead'], limit: 10 })).toEqual([]);
  });

  it('folds a retried dead job into the account\'s pending one', async () => {
    const { jobs, accountId } = await world();
    const { job } = jobs.enqueue({ accountId, trigger: 'subscription', actor: 'stripe' }, T0);
    jobs.claimDue(T0, 10);
    jobs.kill(job.id, T0, 'out of attempts', 'failed');
    const pending = jobs.enqueue({ accountId, trigger: 'grant', actor: 'operator' }, T0 + 60_000);
    expect(jobs.retryDead('all', T0 + 120_000)).toBe(1);
    expect(jobs.get(job.id)).toMatchObject({ state: 'done', lastError: `retried as ${pending.job.id}` });
    expect(jobs.list({ states: ['pending'], limit: 10 }).map((j) => j.id)).toEqual([pending.job.id]);
  });
});

describe('a subscription change and its access job', () => {
  const setUp = async () => {
    const w = await world();
    const store = new SqliteAccessStore({ db: w.db, clock: w.clock });
    const audit = new SqliteAuditLog({ db: w.db, clock: w.clock });
    const writer = new SqliteSubscriptionWriter({ db: w.db, clock: w.clock });
    const deps = { jobs: w.jobs, outbox: new SqliteNoticeOutbox({ db: w.db }), account: (id: string) => store.accessAccountNow(id), plans: DEFAULT_PLANS, clock: w.clock, platforms: ['telegram' as const] };
    const save = (status: string) => writer.save({ accountId: w.accountId, stripeSubscriptionId: 'sub_1', planId: 'pro', status, currentPeriodEnd: T0 + 30 * DAY }, (after) => {
      audit.record({ actor: 'stripe', action: 'subscription.changed', subjectType: 'account', subjectId: w.accountId });
      queueSubscriptionChange(deps, w.accountId, { before: null, after });
    });
    return { ...w, save };
  };

  it('commits the change, its audit event, its access job and the welcome message together', async () => {
    const { db, save, jobs } = await setUp();
    save('active');
    expect(count(db, 'subscriptions')).toBe(1);
    expect(count(db, 'audit_events')).toBe(1);
    expect(jobs.list({ states: ['pending'], limit: 10 })).toHaveLength(1);
    const notice = db.$client.prepare("select n.topic, n.text, d.state, d.kind from notices n join deliveries d on d.content_ref = n.ref and d.content_type = 'notice'").get();
    expect(notice).toMatchObject({ topic: 'welcome', text: expect.stringContaining('Welcome to Pro!'), state: 'pending', kind: 'notice' });
  });

  it('rolls the subscription change back when its access job cannot be written', async () => {
    const { db, save } = await setUp();
    db.$client.exec('DROP TABLE access_jobs');
    expect(() => save('active')).toThrow(/access_jobs/);
    expect(count(db, 'subscriptions')).toBe(0);
    expect(count(db, 'audit_events')).toBe(0);
    expect(count(db, 'deliveries')).toBe(0);
  });

  it('writes no job and no message when the subscription change fails', async () => {
    const { db, jobs, clock } = await setUp();
    const writer = new SqliteSubscriptionWriter({ db, clock });
    // An account that does not exist: the subscription's foreign key refuses it.
    expect(() => writer.save({ accountId: 'acc_missing', planId: 'pro', status: 'active' }, () => void jobs.enqueue({ accountId: 'acc_missing', trigger: 'subscription', actor: 'stripe' }, T0))).toThrow();
    expect(count(db, 'access_jobs')).toBe(0);
  });

  it('parks a job that waits for the platform: not claimed, attempts kept, until woken or the account changes again', async () => {
    const { jobs, accountId, clock } = await world();
    jobs.enqueue({ accountId, trigger: 'subscription', actor: 'stripe' }, T0);
    const [claimed] = jobs.claimDue(T0, 10);
    jobs.park(claimed!.id, T0, 'grant: role out of reach', 'grant failed');
    expect(jobs.get(claimed!.id)).toMatchObject({ state: 'parked', attempts: 1, lastError: 'grant: role out of reach' });
    expect(jobs.claimDue(T0 + DAY, 10)).toEqual([]);
    expect(jobs.nextDueAt()).toBeUndefined();

    // The role order changed: back to pending, due now, attempts from 0.
    clock.advance(60_000);
    expect(jobs.wakeParked(clock.now())).toBe(1);
    expect(jobs.get(claimed!.id)).toMatchObject({ state: 'pending', attempts: 0, dueAt: clock.now() });

    // Parked again, then a new change for the account wakes that same job rather than adding one.
    jobs.park(jobs.claimDue(clock.now(), 10)[0]!.id, clock.now(), 'still out of reach', 'grant failed');
    const again = jobs.enqueue({ accountId, trigger: 'tenant_joined', actor: 'system' }, clock.now());
    expect(again).toMatchObject({ coalesced: true, job: { id: claimed!.id, state: 'pending', trigger: 'tenant_joined', attempts: 0 } });
    expect(jobs.list({ limit: 10 })).toHaveLength(1);
  });

  it('does not park a job when a change came while it ran: the newer pending job carries on', async () => {
    const { jobs, accountId } = await world();
    jobs.enqueue({ accountId, trigger: 'subscription', actor: 'stripe' }, T0);
    const [running] = jobs.claimDue(T0, 10);
    const newer = jobs.enqueue({ accountId, trigger: 'tenant_joined', actor: 'system' }, T0 + 1);
    jobs.park(running!.id, T0 + 2, 'out of reach', 'grant failed');
    expect(jobs.get(running!.id)).toMatchObject({ state: 'done', lastError: `out of reach (carried on by ${newer.job.id})` });
    expect(jobs.list({ states: ['parked'], limit: 10 })).toEqual([]);
  });
});
