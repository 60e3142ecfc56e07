import { afterEach, describe, expect, it } from 'vitest';
import { startAccessWorld, type AccessWorld } from '../../bots/telegram/access.fixtures';
import { until } from '../testing/until';
import { AccessJobRunner, jobBackoffMs } from './job-runner';

const linkIn = (text: string | undefined) => text?.match(/https:\/\/t\.me\/\+\S+/)?.[0];

describe('the access job runner (Telegram emulator, real grammy, real SQLite)', () => {
  let w: AccessWorld;
  afterEach(async () => w?.close());

  const onlyJob = () => {
    const [job, ...rest] = w.jobs.list({ limit: 10 });
    expect(rest).toEqual([]);
    return job!;
  };

  it('waits 5 s after the first failure, doubling each time, up to its cap', () => {
    const options = { baseMs: 5_000, capMs: 300_000 };
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => jobBackoffMs(n, options))).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });

  it('retries a lapsed member\'s link revoke refused with a 500 until Telegram confirms it, so the old link lets nobody back in', async () => {
    // member_limit links: the one kind a joiner uses up, so its revoke after the join matters most.
    w = await startAccessWorld({ inviteMode: 'member_limit' });
    const vip = await w.subscriber(101, 'vip');
    await w.reconciler.reconcile({ accountId: vip.accountId });
    const link = linkIn(w.emu.sentMessages(101).at(-1)?.text)!;
    // They join; retiring the used link fails with a 500, so it is marked used but stays live on Telegram.
    w.emu.failNext({ kind: 'server_error' }, { method: 'revokeChatInviteLink' });
    expect(w.emu.userJoinsWithLink(101, link)).toBe('joined');
    await w.pumpUpdates();
    expect(w.emu.inviteLinks(w.channel.id)[0]?.is_revoked).toBe(false);

    // The lapse: removed, but the link revoke fails again. The job stays pending to retry.
    w.emu.failNext({ kind: 'server_error' }, { method: 'revokeChatInviteLink' });
    await w.setStatus(vip, 'unpaid');
    expect(w.emu.memberStatus(w.channel.id, 101)).toBe('left');
    expect(onlyJob()).toMatchObject({ state: 'pending', attempts: 1, lastError: expect.stringContaining('revokeChatInviteLink') });
    expect(w.emu.inviteLinks(w.channel.id)[0]?.is_revoked).toBe(false);

    // 5 s later the retry revokes it, whatever the store said about it ('used').
    await w.clock.advance(5_000);
    await w.runJobs();
    expect(onlyJob()).toMatchObject({ state: 'done', attempts: 2, lastError: null });
    expect(w.emu.inviteLinks(w.channel.id)[0]?.is_revoked).toBe(true);
    expect(w.emu.userJoinsWithLink(101, link)).toBe('revoked');
    expect(w.emu.isMember(w.channel.id, 101)).toBe(false);
    expect(await w.store.listUnrevokedInviteLinks({ platformUserId: '101' })).toEqual([]);
    // Told once, at the removal: the retry that finished the revoke said nothing more.
    expect(w.emu.sentMessages(101).filter((m) => /have been removed|was withdrawn/.test(m.text ?? ''))).toHaveLength(1);
  });

  it('withdraws a member\'s used link whose revoke failed at the join, retrying with backoff, and leaves them in untold', async () => {
    w = await startAccessWorld({ inviteMode: 'member_limit' });
    const vip = await w.subscriber(101, 'vip');
    await w.reconciler.reconcile({ accountId: vip.accountId });
    const link = linkIn(w.emu.sentMessages(101).at(-1)?.text)!;
    const told = w.emu.sentMessages(101).length;

    // They join; retiring the used link fails with a 500: it stays live on Telegram, and a job is queued.
    w.emu.failNext({ kind: 'server_error' }, { method: 'revokeChatInviteLink' });
    expect(w.emu.userJoinsWithLink(101, link)).toBe('joined');
    await w.pumpUpdates();
    expect(onlyJob()).toMatchObject({ state: 'pending', attempts: 0, accountId: vip.accountId, trigger: 'link_revoke_failed', dueAt: w.clock.now() });
    expect(w.emu.inviteLinks(w.channel.id)[0]?.is_revoked).toBe(false);

    // The job's first try meets another 500: pending again, due in 5 s.
    w.emu.failNext({ kind: 'server_error' }, { method: 'revokeChatInviteLink' });
    await w.runJobs();
    expect(onlyJob()).toMatchObject({ state: 'pending', attempts: 1, dueAt: w.clock.now() + 5_000, lastError: expect.stringContaining('revokeChatInviteLink') });
    expect(w.emu.inviteLinks(w.channel.id)[0]?.is_revoked).toBe(false);

    await w.clock.advance(5_000);
    await w.runJobs();
    expect(onlyJob()).toMatchObject({ state: 'done', attempts: 2, lastError: null });
    expect(w.emu.inviteLinks(w.channel.id)[0]?.is_revoked).toBe(true);
    expect(await w.store.listUnrevokedInviteLinks({ platformUserId: '101' })).toEqual([]);
    // Still entitled: still in, tracked as a member, and told nothing more.
    expect(w.emu.isMember(w.channel.id, 101)).toBe(true);
    expect(await w.store.getMembership('telegram', `telegram:chat:${w.channel.id}`, '101')).toMatchObject({ state: 'member' });
    expect(w.emu.sentMessages(101)).toHaveLength(told);
    expect(w.emu.calls('banChatMember')).toEqual([]);
    // Audited as a link withdrawn, never as a removal; the forwarded link admits nobody else.
    expect(w.auditRows().filter((r) => r.action.startsWith('access.')).map((r) => [r.action, r.data?.result])).toEqual([
      ['access.granted', 'invited'],
      ['access.invite_link_revoke_failed', 'failed'],
      ['access.invite_link_revoked', 'revoked'],
    ]);
    expect(w.emu.userJoinsWithLink(202, link)).toBe('revoked');
    expect((await w.reconciler.reconcile({ accountId: vip.accountId })).actions).toEqual([]);
  });

  it('dead-letters a job after its last attempt, with the platform\'s answer', async () => {
    w = await startAccessWorld();
    const vip = await w.subscriber(101, 'vip');
    w.emu.failNext({ kind: 'server_error' }, { method: 'createChatInviteLink', count: 3 });
    w.jobs.enqueue({ accountId: vip.accountId, trigger: 'subscription', actor: 'stripe' }, w.clock.now());
    await w.runJobs();
    expect(onlyJob()).toMatchObject({ state: 'pending', attempts: 1, dueAt: w.clock.now() + 5_000 });
    await w.clock.advance(5_000);
    await w.runJobs();
    expect(onlyJob()).toMatchObject({ state: 'pending', attempts: 2, dueAt: w.clock.now() + 10_000 });
    await w.clock.advance(10_000);
    await w.runJobs();
    expect(onlyJob()).toMatchObject({ state: 'dead', attempts: 3, lastError: expect.stringContaining('createChatInviteLink') });
    expect(w.emu.sentMessages(101)).toEqual([]);
  });

  it('gives up on a job whose platform call hangs at its deadline, and runs the next job meanwhile', async () => {
    w = await startAccessWorld();
    const stuck = await w.subscriber(101, 'vip');
    const fine = await w.subscriber(202, 'vip');
    w.emu.failNext({ kind: 'hang' }, { method: 'getChatMember', match: (req) => (req.body as { user_id?: unknown } | undefined)?.user_id === 101 });
    const first = w.jobs.enqueue({ accountId: stuck.accountId, trigger: 'subscription', actor: 'stripe' }, w.clock.now());
    const second = w.jobs.enqueue({ accountId: fine.accountId, trigger: 'subscription', actor: 'stripe' }, w.clock.now());
    await w.runJobs();
    expect(w.jobs.get(first.job.id)).toMatchObject({ state: 'pending', lastError: expect.stringContaining('timed out') });
    expect(w.jobs.get(second.job.id)).toMatchObject({ state: 'done' });
    expect(linkIn(w.emu.sentMessages(202).at(-1)?.text)).toBeDefined();
  });

  it('stops without waiting for a platform call that hangs, leaving the job to run again', async () => {
    w = await startAccessWorld();
    const vip = await w.subscriber(101, 'vip');
    w.emu.failNext({ kind: 'hang' }, { method: 'getChatMember' });
    // A deadline far beyond the test's own timeout: only stop() can end this job.
    const runner = new AccessJobRunner({ jobs: w.jobs, reconciler: w.reconciler, clock: w.clock, jobTimeoutMs: 600_000 });
    const { job } = w.jobs.enqueue({ accountId: vip.accountId, trigger: 'subscription', actor: 'stripe' }, w.clock.now());
    runner.start();
    await until(() => w.emu.calls('getChatMember').length > 0, 'the hanging call');
    await runner.stop();
    expect(w.jobs.get(job.id)).toMatchObject({ state: 'pending', lastError: 'interrupted by a stop' });
  });
});
