import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './db/client';
import { seedSubscribers } from './db/testing/seed';
import { startTestchat } from './sandbox/testchat/server';
import { signBody } from './server/signature';
import { until } from './core/testing/until';
import { loadConfig } from './config';
import { warnAboutSettings } from './main';
import { recordingLogger } from './core/testing/logger';

const MAIN = resolve('main.ts');
const TSX = createRequire(import.meta.url).resolve('tsx');
const SECRET = 'main-test-signing-secret-value';
const TOKEN = 'main-test-token';

interface Running {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stderr: string[];
  /** Resolves with the first log line matching, or rejects when the process ends first. */
  waitFor(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** `npm start`, minus npm: node with the tsx loader runs main.ts start, in a directory of its own. */
function start(env: Record<string, string>): Running {
  const cwd = mkdtempSync(join(tmpdir(), 'sc-main-'));
  const child = spawn(process.execPath, ['--import', TSX, MAIN, 'start'], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, LOG_FORMAT: 'json', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  const waiters: { match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void; reject: (e: Error) => void }[] = [];
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const part of parts.filter(Boolean)) {
      const line = JSON.parse(part) as Record<string, unknown>;
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.match(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.on('exit', (code, signal) => {
      for (const w of waiters.splice(0)) w.reject(new Error(`exited (${code}) before the line came; stderr: ${stderr.join('')}`));
      done({ code, signal });
    });
  });
  return {
    child, lines, stderr, exited,
    waitFor: (match) => {
      const found = lines.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((res, rej) => waiters.push({ match, resolve: res, reject: rej }));
    },
  };
}

describe('signalcast start', () => {
  it('starts, takes a signal, delivers it, and on SIGTERM finishes the sends in flight and exits 0', async () => {
    const testchat = await startTestchat({ token: TOKEN });
    const dir = mkdtempSync(join(tmpdir(), 'sc-main-db-'));
    const databaseUrl = `file:${join(dir, 'signalcast.db')}`;
    const seedDb = openDatabase(databaseUrl);
    const seeded = seedSubscribers(seedDb, { count: 3, planId: 'pro' });
    seedDb.$client.close();

    try {
      // Rationales off: this is about the alerts in flight at SIGTERM (app/rationale-service.test.ts covers rationales).
      const run = start({ DATABASE_URL: databaseUrl, INGEST_SIGNING_SECRET: SECRET, TESTCHAT_URL: testchat.url, TESTCHAT_TOKEN: TOKEN, RATIONALES: 'off' });
      const listening = await run.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('Signalcast listening on'));
      const url = listening.url as string;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await run.waitFor((l) => String(l.msg).startsWith('sandbox mode'));

      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);

      // Sends arrive at the platform but are not answered: they are in flight when SIGTERM comes.
      const release = testchat.emulator.holdAnswers();
      const body = JSON.stringify({ publisherId: 'main-1', symbol: 'BTCUSDT', market: 'crypto', side: 'long', conviction: 0.9, reasons: ['Breakout'] });
      const res = await fetch(`${url}/v1/signals`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-signalcast-signature': signBody(SECRET, body, Date.now()) },
        body,
      });
      expect(res.status).toBe(202);
      // Three seeded subscribers, and the sandbox's VIP channels (the plan's private channel on the Telegram emulator, #vip-signals on the Discord one).
      expect(await res.json()).toMatchObject({ duplicate: false, planned: 5, skipped: 0 });
      await until(() => testchat.emulator.stats().requests === 3, 'three sends to arrive', { timeoutMs: 15_000, everyMs: 20 });

      run.child.kill('SIGTERM');
      await run.waitFor((l) => String(l.msg).startsWith('shutting down'));
      release();
      const exit = await run.exited;
      expect(exit).toEqual({ code: 0, signal: null });
      expect(run.lines.at(-1)?.msg).toBe('stopped');

      expect(testchat.emulator.messages.map((m) => m.chatId).sort()).toEqual([...seeded.chatIds].sort());
      const db = openDatabase(databaseUrl);
      expect(db.$client.prepare(`select dest.platform, d.state, count(*) as n from deliveries d join destinations dest on dest.ref = d.destination_ref
        group by dest.platform, d.state order by dest.platform`).all())
        .toEqual([{ platform: 'discord', state: 'sent', n: 1 }, { platform: 'telegram', state: 'sent', n: 1 }, { platform: 'testchat', state: 'sent', n: 3 }]);
      db.$client.close();
      expect(run.stderr.join('')).toBe('');
    } finally {
      await testchat.emulator.stop();
    }
  });

  it('in sandbox mode starts the Telegram, Discord, Slack, Stripe and OpenAI emulators on loopback, logs their URLs, the console has Discord and Slack sections, answers /healthz and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sc-main-db-'));
    const run = start({ DATABASE_URL: `file:${join(dir, 'signalcast.db')}` });
    const sandbox = await run.waitFor((l) => String(l.msg).startsWith('sandbox mode'));
    expect(sandbox.telegram).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.discord).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
    expect(sandbox.stripe).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.slack).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.console).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(sandbox.openai).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(String(sandbox.msg)).toContain('(the Telegram, Discord, Slack, Stripe and OpenAI emulators run on loopback)');
    expect(String(sandbox.msg)).toContain(`act as a subscriber at ${String(sandbox.console)}`);
    expect(String(sandbox.msg)).toContain('set TELEGRAM_BOT_TOKEN, DISCORD_BOT_TOKEN, SLACK_BOT_TOKEN or SLACK_CLIENT_ID to go live');
    expect(run.lines.some((l) => l.msg === `sandbox: Discord emulator at ${String(sandbox.discord)} (bot Signalcast; server "Signal Room" 900000000000000001 (#vip-signals for VIP))`)).toBe(true);
    const consolePage = await fetch(String(sandbox.console));
    expect(consolePage.status).toBe(200);
    const consoleHtml = await consolePage.text();
    expect(consoleHtml).toContain('<section id="discord"><h2>Discord</h2>');
    expect(consoleHtml).toContain('<section id="slack"><h2>Slack</h2>');
    const listening = run.lines.find((l) => String(l.msg).startsWith('Signalcast listening on'));
    expect(listening).toMatchObject({ platforms: ['telegram', 'discord', 'slack'], billing: 'stripe' });
    expect(run.lines.some((l) => l.msg === `sandbox: the Stripe emulator sends its webhooks to ${String(listening?.url)}/webhooks/stripe`)).toBe(true);
    expect(run.lines.some((l) => String(l.msg).startsWith('Telegram bot @signalcast_bot started (polling)'))).toBe(true);

    expect((await fetch(`${String(listening?.url)}/healthz`)).status).toBe(200);

    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.lines.at(-1)?.msg).toBe('stopped');
    expect(run.stderr.join('')).toBe('');
    // The emulators stopped with the service.
    await expect(fetch(`${String(sandbox.telegram)}/`)).rejects.toThrow();
    await expect(fetch(`${String(sandbox.discord)}/v10/gateway/bot`)).rejects.toThrow();
    await expect(fetch(String(sandbox.console))).rejects.toThrow();
  });

  it('exits 78 naming the setting when a setting is wrong', async () => {
    const run = start({ PORT: 'eighty' });
    expect((await run.exited).code).toBe(78);
    expect(run.stderr.join('')).toMatch(/^error: Invalid settings:\n\s+PORT: /);
  });

  it('exits 78 naming TESTCHAT_TOKEN when TESTCHAT_URL is set without it', async () => {
    const run = start({ TESTCHAT_URL: 'http://127.0.0.1:9' });
    expect((await run.exited).code).toBe(78);
    expect(run.stderr.join('')).toContain('TESTCHAT_TOKEN');
  });
});

describe('warnings at start', () => {
  const warnings = (env: Record<string, string>) => {
    const logger = recordingLogger();
    warnAboutSettings(loadConfig(env), logger);
    return logger.records.filter((r) => r.level === 'warn').map((r) => r.msg);
  };
  const token = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ';

  it('warns when a live Stripe key is set without PUBLIC_URL, since Checkout would return payers to 127.0.0.1', () => {
    const hook = { STRIPE_WEBHOOK_SECRET: 'whsec_abc' };
    expect(warnings({ TELEGRAM_BOT_TOKEN: token, STRIPE_SECRET_KEY: 'sk_live_abc', ...hook })).toEqual([
      'a live Stripe key is set without PUBLIC_URL: Checkout would send payers back to http://127.0.0.1:8080; set PUBLIC_URL to this service\'s public https:// address',
    ]);
    expect(warnings({ TELEGRAM_BOT_TOKEN: token, STRIPE_SECRET_KEY: 'rk_live_abc', PUBLIC_URL: 'https://signals.example.com', ...hook })).toEqual([]);
    expect(warnings({ TELEGRAM_BOT_TOKEN: token, STRIPE_SECRET_KEY: 'sk_test_abc', ...hook })).toEqual([]);
  });

  it('warns when a Stripe key is set without STRIPE_WEBHOOK_SECRET, since no webhook is taken', () => {
    expect(warnings({ TELEGRAM_BOT_TOKEN: token, STRIPE_SECRET_KEY: 'sk_test_abc' })).toEqual([expect.stringMatching(/^STRIPE_WEBHOOK_SECRET is not set: \/webhooks\/stripe is off/)]);
  });

  it('warns outside sandbox mode without a Stripe key that paid plans cannot be bought', () => {
    expect(warnings({ TELEGRAM_BOT_TOKEN: token })).toEqual([expect.stringMatching(/^STRIPE_SECRET_KEY is not set: paid plans cannot be bought/)]);
    expect(warnings({})).toEqual([]);
    expect(warnings({ OPENAI_API_KEY: 'sk-openai-abc' })).toEqual([]);
  });
});
