import { afterEach, describe, expect, it } from 'vitest';
import { startAccessWorld, type AccessWorld } from '../../bots/telegram/access.fixtures';
import { loadConfig } from '../../config';
import { SqliteApiKeyStore } from '../../db/stores/api-key-store';
import { SqliteDeliveryStore } from '../../db/stores/delivery-store';
import { SqliteSignalService } from '../../db/stores/signal-service';
import { captureIo } from '../io';
import { runCli, type CliDeps } from '../program';

/** The CLI on the access world's database and reconciler (without access: as when no platform is configured). */
function cliOn(w: AccessWorld, withAccess = true) {
  const io = captureIo();
  const deps: CliDeps = {
    io,
    loadConfig: () => loadConfig({}),
    openDatabase: () => w.db,
    closeDatabase: () => {},
    createContext: () => ({
      clock: w.clock,
      audit: w.audit,
      apiKeys: new SqliteApiKeyStore({ db: w.db, clock: w.clock }),
      signals: new SqliteSignalService({ db: w.db, clock: w.clock, plans: w.plans, bands: { aMin: 0.8, bMin: 0.6 } }),
      deliveries: new SqliteDeliveryStore({ db: w.db, clock: w.clock }),
      access: withAccess ? w.reconciler : null,
      accessJobs: withAccess ? w.jobs : null,
    }),
    start: async () => {},
  };
  return { io, run: (...args: string[]) => runCli(args, deps) };
}

describe('signalcast access reconcile', () => {
  let w: AccessWorld;
  afterEach(async () => w?.close());
  const cli = (withAccess = true) => cliOn(w, withAccess);


  it('prints what a dry run would do as a table, and does none of it', async () => {
    w = await startAccessWorld();
    const vip = await w.subscriber(101, 'vip');
    const requests = w.emu.requests.length;
    const { io, run } = cli();

    expect(await run('access', 'reconcile', '--dry-run')).toBe(0);
    expect(io.stdout[0]).toMatch(/^ACTION\s+RESULT\s+ACCOUNT\s+USER\s+RESOURCE\s+REASON\s+DETAIL$/);
    expect(io.stdout[1]).toMatch(new RegExp(`^would grant\\s+-\\s+${vip.accountId}\\s+telegram:101\\s+telegram:chat:${w.channel.id}\\s+entitled \\(active, plan vip\\)`));
    expect(io.stdout.at(-1)).toBe('Dry run: 1 action planned, nothing changed.');
    expect(w.emu.requests.length).toBe(requests);
  });

  it('lists a member\'s used link still live on Telegram as a link to revoke, readably, in a dry run', async () => {
    w = await startAccessWorld({ inviteMode: 'member_limit' });
    const vip = await w.subscriber(101, 'vip');
    await w.reconciler.reconcile({ accountId: vip.accountId });
    const link = w.emu.sentMessages(101).at(-1)?.text?.match(/https:\/\/t\.me\/\+\S+/)?.[0];
    w.emu.failNext({ kind: 'server_error' }, { method: 'revokeChatInviteLink' });
    expect(w.emu.userJoinsWithLink(101, link!)).toBe('joined');
    await w.pumpUpdates();
    const { io, run } = cli();

    expect(await run('access', 'reconcile', '--dry-run')).toBe(0);
    expect(io.stdout[1]).toMatch(new RegExp(`^would revoke used link\\s+-\\s+${vip.accountId}\\s+telegram:101\\s+telegram:chat:${w.channel.id}\\s+used invite link not confirmed revoked`));
    expect(io.stdout.join('\n')).not.toContain(link!);
    expect(w.emu.inviteLinks(w.channel.id)[0]?.is_revoked).toBe(false);

    const real = cli();
    expect(await real.run('access', 'reconcile')).toBe(0);
    expect(real.io.stdout[1]).toMatch(/^revoke used link\s+revoked\s+/);
    expect(w.emu.inviteLinks(w.channel.id)[0]?.is_revoked).toBe(true);
    expect(w.emu.isMember(w.channel.id, 101)).toBe(true);
  });

  it('acts, prints the platform\'s answers, and then finds nothing to do', async () => {
    w = await startAccessWorld();
    await w.subscriber(101, 'vip');
    const first = cli();
    expect(await first.run('access', 'reconcile')).toBe(0);
    expect(first.io.stdout[1]).toMatch(/^grant\s+invited\s+/);
    expect(first.io.stdout.at(-1)).toBe('1 action taken.');
    expect(w.auditRows().find((r) => r.action === 'access.granted')?.data).toMatchObject({ trigger: 'cli' });

    const second = cli();
    expect(await second.run('access', 'reconcile')).toBe(0);
    expect(second.io.stdout).toEqual(['Access matches the subscriptions: nothing to do.', '0 actions taken. 1 waiting on an unused invite link.']);
  });

  it('fails with exit 1 when the platform refuses a change', async () => {
    w = await startAccessWorld();
    await w.subscriber(101, 'vip');
    w.emu.failNext({ kind: 'platform_error', status: 400, description: 'Bad Request: not enough rights to manage chat invite links' }, { method: 'createChatInviteLink' });
    const { io, run } = cli();
    expect(await run('access', 'reconcile')).toBe(1);
    expect(io.stdout[1]).toMatch(/^grant\s+failed\s+.*not an administrator/);
    expect(io.stderr.join('\n')).toContain('1 access change failed');
  });

  it('says which setting is missing when no platform gates access', async () => {
    w = await startAccessWorld();
    const { io, run } = cli(false);
    expect(await run('access', 'reconcile', '--dry-run')).toBe(78);
    expect(io.stderr.join('\n')).toContain('TELEGRAM_BOT_TOKEN');
  });
});

describe('signalcast access jobs and access retry', () => {
  let w: AccessWorld;
  afterEach(async () => w?.close());
  const cli = (withAccess = true) => cliOn(w, withAccess);


  it('lists a dead job with its error, retries it from the command line, and the runner then carries it out', async () => {
    w = await startAccessWorld();
    const vip = await w.subscriber(101, 'vip');
    w.emu.failNext({ kind: 'server_error' }, { method: 'createChatInviteLink', count: 3 });
    const { job } = w.jobs.enqueue({ accountId: vip.accountId, trigger: 'subscription', actor: 'stripe' }, w.clock.now());
    for (const wait of [0, 5_000, 10_000]) {
      await w.clock.advance(wait);
      await w.runJobs();
    }

    const list = cli();
    expect(await list.run('access', 'jobs', '--dead')).toBe(0);
    expect(list.io.stdout[0]).toMatch(/^ID\s+STATE\s+ACCOUNT\s+TRIGGER\s+ATTEMPTS/);
    expect(list.io.stdout[1]).toMatch(new RegExp(`^${job.id}\\s+dead\\s+${vip.accountId}\\s+subscription\\s+3\\s+.*createChatInviteLink`));
    expect(list.io.stdout.at(-1)).toBe('1 dead. Retry with: signalcast access retry <id...> or --all');
    const json = cli();
    expect(await json.run('access', 'jobs', '--dead', '--json')).toBe(0);
    expect(JSON.parse(json.io.stdout[0] ?? '[]')).toEqual([expect.objectContaining({ id: job.id, state: 'dead', attempts: 3 })]);

    const retry = cli();
    expect(await retry.run('access', 'retry', job.id)).toBe(0);
    expect(retry.io.stdout).toEqual(['1 access job queued again, due now (the running service carries them out).']);
    await w.runJobs();
    expect(w.jobs.get(job.id)).toMatchObject({ state: 'done', attempts: 1 });
    expect(w.emu.sentMessages(101).at(-1)?.text).toMatch(/https:\/\/t\.me\/\+/);

    const none = cli();
    expect(await none.run('access', 'jobs', '--dead')).toBe(0);
    expect(none.io.stdout).toEqual(['No dead access jobs.']);
  });

  it('refuses a retry without ids or with something that is not a job id, and changes nothing', async () => {
    w = await startAccessWorld();
    const bare = cli();
    expect(await bare.run('access', 'retry')).toBe(2);
    expect(bare.io.stderr.join('\n')).toContain('give the access job ids to retry, or --all');
    const bad = cli();
    expect(await bad.run('access', 'retry', '17')).toBe(2);
    expect(bad.io.stderr.join('\n')).toContain('"17" is not an access job id');
  });
});
