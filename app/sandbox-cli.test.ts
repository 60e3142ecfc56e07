// The CLI's access and billing reconcile against the running sandbox's emulators, through data/sandbox.json.
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { captureIo } from '../cli/io';
import { runCli, type CliDeps } from '../cli/program';
import { loadConfig, type Config } from '../config';
import { silentLogger } from '../core/logger';
import { DEFAULT_PLANS } from '../core/plans';
import { openDatabase } from '../db/client';
import { seedSubscribers } from '../db/testing/seed';
import { startSandbox, type Sandbox } from '../sandbox';
import { DEMO_GUILD } from '../sandbox/discord';
import { idleCron } from '../schedules/testing/idle-cron';
import { recordingLogger } from '../core/testing/logger';
import { until } from '../core/testing/until';
import { prepareService } from './service';
import { createCliContext } from './sandbox-cli';

const running: Sandbox[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
});

/** Settings for a service whose data folder is a fresh temporary one; loopback only. */
function sandboxSettings(extra: Record<string, string> = {}): { config: Config; dataDir: string } {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'sc-sandbox-cli-')), 'data');
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', DATABASE_URL: `file:${join(dataDir, 'signalcast.db')}`, LOG_LEVEL: 'silent', ...extra });
  return { config, dataDir };
}

/** `signalcast <args>` as main.ts runs it (real database, real context, the sandbox-aware CLI context). */
async function cli(config: Config, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = captureIo();
  const deps: CliDeps = {
    io,
    loadConfig: () => config,
    openDatabase: (c) => openDatabase(c.databaseUrl),
    closeDatabase: (db) => db.$client.close(),
    createContext: (c, db) => createCliContext(c, db, io),
    start: () => Promise.resolve(),
  };
  const code = await runCli(args, deps);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

describe('the CLI beside a running sandbox', () => {
  it('writes the emulators to data/sandbox.json (owner only), and access and billing reconcile report the drift against them', async () => {
    const { config, dataDir } = sandboxSettings();
    const sandbox = await startSandbox({ config, plans: DEFAULT_PLANS, logger: silentLogger, useDataFolder: true });
    running.push(sandbox);
    const file = join(dataDir, 'sandbox.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const written = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>;
    expect(written.telegram).toEqual({ token: sandbox.telegram?.token, apiRoot: sandbox.telegram?.apiRoot });
    expect(written.discord).toEqual({ token: sandbox.discord?.emulator.token, apiUrl: sandbox.discord?.emulator.apiUrl });
    expect(written.stripe).toEqual({ secretKey: sandbox.stripe?.secretKey, apiBase: sandbox.stripe?.url, webhookSecret: sandbox.stripe?.webhookSecret });

    // Drift: a VIP subscriber the mirror knows but Stripe does not, and who is not in the VIP channel;
    // and a subscription in Stripe that the mirror misses.
    const db = openDatabase(config.databaseUrl);
    const seeded = seedSubscribers(db, { count: 2, planId: 'vip', platform: 'telegram' });
    db.$client.prepare("update subscriptions set stripe_subscription_id = 'sub_gone' where account_id = ?").run(seeded.accountIds[0]);
    db.$client.prepare('delete from subscriptions where account_id = ?').run(seeded.accountIds[1]);
    const stripe = new Stripe(sandbox.stripe?.secretKey ?? '', sandbox.stripe?.clientOptions() ?? {});
    const customer = await stripe.customers.create({ metadata: { accountId: seeded.accountIds[1] ?? '' } });
    db.$client.prepare('update accounts set stripe_customer_id = ? where id = ?').run(customer.id, seeded.accountIds[1]);
    db.$client.close();
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: 'price_pro_monthly' }], metadata: { accountId: seeded.accountIds[1] ?? '' }, trial_period_days: 7 });

    const billing = await cli(config, 'billing', 'reconcile', '--dry-run');
    expect(billing.stderr).toContain("using the running sandbox's emulators (");
    expect(billing.stderr).toContain('sandbox.json)');
    expect(billing.stdout).toContain('Checked 1 Stripe subscriptions (dry run: nothing changed).');
    expect(billing.stdout).toContain(`${sub.id} (account ${seeded.accountIds[1]}): missing locally -> pro trialing`);
    expect(billing.stdout).toContain(`Not in Stripe 1:\n  sub_gone (account ${seeded.accountIds[0]})`);
    expect(billing.code).toBe(0);

    const access = await cli(config, 'access', 'reconcile', '--dry-run');
    expect(access.stderr).toContain("using the running sandbox's emulators (");
    expect(access.stdout).toMatch(new RegExp(`would grant .*${seeded.accountIds[0]}\\s+telegram:${seeded.chatIds[0]}\\s+telegram:chat:-1001000000001`));
    expect(access.stdout).toContain('Dry run: 1 action planned, nothing changed.');
    expect(access.code).toBe(0);
    expect(sandbox.telegram?.calls('createChatInviteLink')).toHaveLength(0);

    // Repaired for real: the personal invite link is made on the emulator and sent to the subscriber there.
    const user = Number(seeded.chatIds[0]);
    sandbox.telegram?.addUser(user, { startedBot: true });
    const repaired = await cli(config, 'access', 'reconcile');
    expect(repaired.code).toBe(0);
    expect(sandbox.telegram?.calls('createChatInviteLink')).toHaveLength(1);
    // Its message waits in the outbox for the running service's dispatcher (none runs here).
    const check = openDatabase(config.databaseUrl);
    const queued = check.$client.prepare("select n.text from deliveries d join notices n on n.ref = d.content_ref where d.content_type = 'notice' and d.state = 'pending'").pluck().all() as string[];
    check.$client.close();
    expect(queued.join('\n')).toMatch(/https:\/\/t\.me\/\+/);

    // Other commands say nothing about the sandbox.
    const keys = await cli(config, 'keys', 'list');
    expect(keys.stderr).toBe('');

    await sandbox.stop();
    running.splice(0);
    expect(existsSync(file)).toBe(false);
  });

  it('without a running sandbox, says to start the service or set the token or key', async () => {
    const { config } = sandboxSettings();
    const access = await cli(config, 'access', 'reconcile');
    expect(access.code).toBe(78);
    expect(access.stderr).toMatch(/access reconcile: no sandbox is running \(there is no .*sandbox\.json\): start the service first \(npm start\) or set TELEGRAM_BOT_TOKEN or DISCORD_BOT_TOKEN/);
    const billing = await cli(config, 'billing', 'reconcile', '--dry-run');
    expect(billing.code).toBe(78);
    expect(billing.stderr).toMatch(/billing reconcile: no sandbox is running .*: start the service first \(npm start\) or set STRIPE_SECRET_KEY/);
  });

  it('access reconcile gives a Discord VIP subscriber the demo server\'s VIP role on the running sandbox\'s Discord emulator', async () => {
    const { config } = sandboxSettings();
    const sandbox = await startSandbox({ config, plans: DEFAULT_PLANS, logger: silentLogger, useDataFolder: true });
    running.push(sandbox);
    const discord = sandbox.discord!.emulator;
    const member = discord.memberJoins(DEMO_GUILD.id, { username: 'ada' });
    const db = openDatabase(config.databaseUrl);
    const seeded = seedSubscribers(db, { count: 1, planId: 'vip', platform: 'testchat' });
    db.$client.prepare("update identities set platform = 'discord', platform_user_id = ? where platform_user_id = ?").run(member, seeded.chatIds[0]);
    db.$client.close();

    const planned = await cli(config, 'access', 'reconcile', '--dry-run');
    expect(planned.stdout).toMatch(new RegExp(`would grant .*${seeded.accountIds[0]}\\s+discord:${member}\\s+discord:role:${DEMO_GUILD.id}:${DEMO_GUILD.vipRole}`));
    expect(discord.memberRoles(DEMO_GUILD.id, member)).toEqual([]);
    const repaired = await cli(config, 'access', 'reconcile');
    expect(repaired.code).toBe(0);
    expect(discord.memberRoles(DEMO_GUILD.id, member)).toEqual([DEMO_GUILD.vipRole]);
  });

  it('ignores a sandbox.json left by a sandbox that no longer runs', async () => {
    const { config, dataDir } = sandboxSettings();
    const sandbox = await startSandbox({ config, plans: DEFAULT_PLANS, logger: silentLogger, useDataFolder: true });
    running.push(sandbox);
    const file = join(dataDir, 'sandbox.json');
    const state = JSON.parse(readFileSync(file, 'utf8')) as { pid: number };
    // A process id that is not running: above Linux's highest.
    writeFileSync(file, JSON.stringify({ ...state, pid: 4_194_304 }));
    const billing = await cli(config, 'billing', 'reconcile');
    expect(billing.code).toBe(78);
    expect(billing.stderr).toMatch(/the sandbox that wrote .*sandbox\.json \(process 4194304\) is not running any more: start the service first/);
  });
});

const WIDE = { limit: 10_000, windowMs: 1000 };
const ADA = 100001;
const ADA_ON_DISCORD = '900000000000000111';
const VIP_CHANNEL = -1001000000001;

describe('a restarted sandbox', () => {
  it('resets the accounts its new emulators do not know, says so, and reconcile finds no drift', async () => {
    const { config } = sandboxSettings({ TELEGRAM_RATE_OVERALL: '10000/1s', TELEGRAM_RATE_PER_CHAT: '10000/1s', TELEGRAM_RATE_PER_GROUP: '10000/1s' });
    const logger = recordingLogger();

    // First run: Ada subscribes to VIP, pays on the Stripe emulator's checkout, and joins the channel.
    const first = await startSandbox({ config, plans: DEFAULT_PLANS, logger, useDataFolder: true, telegramLimits: { overall: WIDE, perChat: WIDE, perGroup: WIDE } });
    running.push(first);
    const service = await prepareService({ config: first.config, logger, plans: first.plans, cron: idleCron });
    try {
      first.attach(await service.start());
      const tg = first.telegram!;
      const stripe = first.stripe!;
      tg.userSends(ADA, '/start', { profile: { firstName: 'Ada', username: 'ada' } });
      await until(() => tg.sentMessages(ADA).length > 0, 'the welcome');
      tg.userSends(ADA, '/subscribe vip');
      const sessionId = await until(() => [...stripe.store.sessions.keys()][0], 'a checkout session');
      expect(stripe.completeCheckout(sessionId, { card: '4242 4242 4242 4242', email: 'ada@example.com' }).ok).toBe(true);
      await stripe.whenWebhooksDelivered();
      const link = await until(() => tg.sentMessages(ADA).map((m) => ('text' in m ? /https:\/\/t\.me\/\+\S+/.exec(m.text ?? '')?.[0] ?? '' : '')).find((l) => l !== ''), 'the invite link');
      expect(tg.userJoinsWithLink(ADA, link)).toBe('requested');
      await until(() => service.db.$client.prepare("select 1 from access_memberships where state = 'member'").get(), 'the membership to be recorded');
      expect(service.db.$client.prepare('select status from subscriptions').all()).toEqual([{ status: 'trialing' }]);
    } finally {
      await service.stop();
    }
    await first.stop();
    running.splice(0);
    // Ada is on Discord too, with the VIP role tracked in the demo server.
    const before = openDatabase(config.databaseUrl);
    const accountId = before.$client.prepare('select account_id from identities where platform_user_id = ?').pluck().get(String(ADA)) as string;
    before.$client.prepare("insert into identities (id, account_id, platform, platform_user_id, username, created_at) values ('idn_discord_ada', ?, 'discord', ?, 'ada', 0)").run(accountId, ADA_ON_DISCORD);
    before.$client.prepare("insert into access_memberships (id, platform, resource_key, platform_user_id, state, updated_at) values ('am_discord_ada', 'discord', ?, ?, 'member', 0)").run(`discord:role:${DEMO_GUILD.id}:${DEMO_GUILD.vipRole}`, ADA_ON_DISCORD);
    before.$client.close();

    // Second run: new, empty emulators; the database is reset to match, and the log says so.
    const second = await startSandbox({ config, plans: DEFAULT_PLANS, logger, useDataFolder: true });
    running.push(second);
    const line = logger.records.findLast((r) => r.msg?.includes("the sandbox's accounts were reset"));
    expect(line?.msg).toContain('cleared 1 subscription, 2 channel memberships, 1 invite link, 1 Stripe customer');
    expect(line?.msg).toContain('the Telegram emulator knows the 1 Telegram user again; the Discord emulator knows the 1 Discord user again, in its server');
    // Ada is in the new Discord emulator's demo server again, without the role the database no longer tracks.
    expect(second.discord?.emulator.memberRoles(DEMO_GUILD.id, ADA_ON_DISCORD)).toEqual([]);
    const db = openDatabase(config.databaseUrl);
    try {
      expect(db.$client.prepare('select count(*) as n from subscriptions').get()).toEqual({ n: 0 });
      expect(db.$client.prepare('select count(*) as n from access_memberships').get()).toEqual({ n: 0 });
      expect(db.$client.prepare('select count(*) as n from accounts where stripe_customer_id is not null').get()).toEqual({ n: 0 });
      expect(db.$client.prepare("select count(*) as n from identities where platform_user_id = ?").get(String(ADA))).toEqual({ n: 1 });
      expect(db.$client.prepare("select action from audit_events where action = 'sandbox.reset'").all()).toHaveLength(2);
    } finally {
      db.$client.close();
    }
    // Ada's private chat exists again, so alerts to her do not fail; she is not in the channel.
    expect(second.telegram?.sentMessages(ADA)).toEqual([]);
    expect(second.telegram?.isMember(VIP_CHANNEL, ADA)).toBe(false);

    const billing = await cli(config, 'billing', 'reconcile', '--dry-run');
    expect(billing.stdout).toBe('Checked 0 Stripe subscriptions (dry run: nothing changed).\nNo drift: the local mirror matches Stripe.');
    const access = await cli(config, 'access', 'reconcile', '--dry-run');
    expect(access.stdout).toContain('Access matches the subscriptions: nothing to do.');
  });
});
