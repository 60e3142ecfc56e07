// The Slack benchmark's world outside the service: the emulator child, the plans file whose Enterprise plan gives the workspace licence, and the workspaces seeded in the database as installed, subscribed and with their channels chosen.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { CHANNEL_CONTENT } from '../bots/commands/workspace/workspace';
import { SecretBox } from '../core/tenancy/secret-box';
import { Secret } from '../core/tenancy/secret';
import { systemClock } from '../core/clock';
import { openDatabase } from '../db/client';
import { SqliteAccountStore } from '../db/stores/account-store';
import { SqliteInstallationStore } from '../db/stores/installation-store';
import { BENCH_PLANS_FILE } from './emulators-process';
import type { BenchWorkspace, SlackBenchCommand, SlackBenchReply } from './slack-child';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'slack-child.ts');
const TSX = createRequire(import.meta.url).resolve('tsx');

export interface SlackChild {
  ask(command: SlackBenchCommand): Promise<SlackBenchReply>;
  stop(): Promise<void>;
}

/** Forks the Slack emulator's child process. */
export function forkSlackChild(): SlackChild {
  const child: ChildProcess = fork(CHILD, [], { execArgv: ['--import', TSX], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: SlackBenchReply) => void; reject: (e: Error) => void }>();
  child.on('message', (message: { id: number; reply?: SlackBenchReply; error?: string }) => {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) waiter?.reject(new Error(`slack emulator: ${message.error}`));
    else if (message.reply) waiter?.resolve(message.reply);
  });
  const exited = new Promise<void>((done) => child.on('exit', () => {
    for (const w of pending.values()) w.reject(new Error('the Slack emulator process ended'));
    pending.clear();
    done();
  }));
  const ask = (command: SlackBenchCommand) => new Promise<SlackBenchReply>((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    child.send({ id, command });
  });
  return {
    ask,
    stop: async () => {
      if (child.exitCode === null) await ask({ type: 'stop' }).catch(() => undefined);
      await exited;
    },
  };
}

/** bench/plans.yaml with Enterprise giving the Slack workspace licence, written next to the database. */
export function writeSlackPlans(databaseUrl: string): string {
  const plans = parse(readFileSync(BENCH_PLANS_FILE, 'utf8')) as { plans: { id: string; access: unknown[]; trialDays: number }[] };
  for (const plan of plans.plans) {
    if (plan.id !== 'enterprise') continue;
    plan.access = [{ slack: { workspaceLicence: true } }];
    plan.trialDays = 0;
  }
  const file = join(dirname(databaseUrl.replace(/^file:/, '')), 'plans.yaml');
  writeFileSync(file, stringify(plans));
  return file;
}

/**
 * Each workspace as an OAuth install leaves it, straight into the database (as bench/discord-setup.ts
 * seeds its subscribers): its installation with the bot token sealed under `secretsKey`, its account
 * on an active Enterprise subscription, and its channels as that account's destinations.
 */
export async function seedWorkspaces(databaseUrl: string, secretsKey: string, workspaces: readonly BenchWorkspace[]): Promise<void> {
  const db = openDatabase(databaseUrl);
  try {
    const installations = new SqliteInstallationStore({ db, clock: systemClock, secrets: new SecretBox(Buffer.from(secretsKey, 'base64')) });
    const accounts = new SqliteAccountStore({ db, clock: systemClock });
    for (const ws of workspaces) {
      await installations.save({
        platform: 'slack', tenant: ws.team, tenantName: ws.name, botUserId: ws.botUserId, scopes: ['commands', 'chat:write'],
        installerPlatformUserId: ws.installerId, botToken: new Secret(ws.token),
      });
      const account = await accounts.createAccount({ displayName: ws.name });
      await installations.setAccount('slack', ws.team, account.id);
      await accounts.upsertSubscription({ accountId: account.id, planId: 'enterprise', status: 'active', stripeSubscriptionId: `sub_bench_${ws.team}`, currentPeriodEnd: Date.now() + 30 * 86_400_000 });
      for (const c of ws.channels) {
        await accounts.addDestination({ kind: 'channel', recipient: { platform: 'slack', tenant: ws.team, chatId: c.id }, accountId: account.id, contentKinds: [...CHANNEL_CONTENT], label: `#${c.name}` });
      }
    }
  } finally {
    db.$client.close();
  }
}
