// `npm start` in sandbox mode and the `signalcast` command in the same folder, as two processes, as a newcomer runs them.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../core/testing/until';
import { openDatabase } from '../db/client';
import { seedSubscribers } from '../db/testing/seed';

const MAIN = resolve('main.ts');
const TSX = createRequire(import.meta.url).resolve('tsx');

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function env(cwd: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, LOG_FORMAT: 'json', HOST: '127.0.0.1', PORT: '0' };
}

/** `npm start` in `cwd`; resolves with the "sandbox mode" log line, plus the service's URL, once the service listens. */
function startService(cwd: string): { child: ChildProcess; ready: Promise<Record<string, unknown>>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, 'start'], { cwd, env: env(cwd), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let buffer = '';
  let url: unknown;
  const ready = new Promise<Record<string, unknown>>((done, fail) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const part of parts.filter(Boolean)) {
        const line = JSON.parse(part) as Record<string, unknown>;
        if (String(line.msg).startsWith('Signalcast listening on')) url = line.url;
        if (String(line.msg).startsWith('sandbox mode')) done({ ...line, url });
      }
    });
    child.on('exit', (code) => fail(new Error(`the service exited (${code}) before it was ready`)));
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, ready, exited };
}

/** `signalcast <args>` in `cwd`. */
function signalcast(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', TSX, MAIN, ...args], { cwd, env: env(cwd) }, (err, stdout, stderr) => {
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('npm start and the signalcast command in sandbox mode', () => {
  it('the command uses the running sandbox (saying so), / of the service leads to the console, and after stopping the command says to start it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sc-sandbox-process-'));
    const service = startService(cwd);
    const ready = await service.ready;
    const file = join(cwd, 'data', 'sandbox.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The Discord emulator is there for the command too.
    expect((JSON.parse(readFileSync(file, 'utf8')) as { discord: { apiUrl: string } }).discord.apiUrl).toBe(ready.discord);

    const billing = await signalcast(cwd, 'billing', 'reconcile', '--dry-run');
    expect(billing).toEqual({
      code: 0,
      stdout: 'Checked 0 Stripe subscriptions (dry run: nothing changed).\nNo drift: the local mirror matches Stripe.\n',
      stderr: "using the running sandbox's emulators (data/sandbox.json)\n",
    });
    const access = await signalcast(cwd, 'access', 'reconcile', '--dry-run');
    expect(access.stderr).toBe("using the running sandbox's emulators (data/sandbox.json)\n");
    expect(access.stdout).toContain('Access matches the subscriptions: nothing to do.');
    expect(access.code).toBe(0);

    // GET / of the service leads to the console, which answers there.
    const consoleUrl = String(ready.console);
    const root = await fetch(`${String(ready.url ?? '')}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe(consoleUrl);
    expect((await fetch(consoleUrl)).status).toBe(200);

    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
    expect(existsSync(file)).toBe(false);
    const stopped = await signalcast(cwd, 'access', 'reconcile');
    expect(stopped.code).toBe(78);
    expect(stopped.stderr).toContain('access reconcile: no sandbox is running (there is no data/sandbox.json): start the service first (npm start) or set TELEGRAM_BOT_TOKEN or DISCORD_BOT_TOKEN');
  }, 90_000);

  it('starts the OpenAI emulator too, names it in data/sandbox.json, and a demo signal published with an API key gets its rationale from it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sc-sandbox-process-'));
    // A pro (rationale) subscriber on Telegram in the folder's database before the first start; the sandbox's Telegram emulator knows them at start.
    const db = openDatabase(`file:${join(cwd, 'data', 'signalcast.db')}`);
    seedSubscribers(db, { count: 1, planId: 'pro', platform: 'telegram', userIds: ['8200001'] });
    db.$client.close();
    const service = startService(cwd);
    const ready = await service.ready;
    const file = join(cwd, 'data', 'sandbox.json');
    const openai = (JSON.parse(readFileSync(file, 'utf8')) as { openai: { apiKey: string; baseUrl: string } | null }).openai;
    expect(openai?.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(openai?.apiKey).toMatch(/^sk-emu-/);
    expect(ready.openai).toBe(openai?.baseUrl);
    expect(String(ready.msg)).toContain('OpenAI emulators run on loopback');

    // The newcomer's way: an API key from the command, a POST with it.
    const key = /^ +(sc_[0-9A-Za-z_]+)$/m.exec((await signalcast(cwd, 'keys', 'create', 'demo')).stdout)?.[1];
    expect(key).toBeDefined();
    const body = JSON.stringify({ publisherId: 'sandbox-demo-1', symbol: 'BTCUSDT', market: 'crypto', side: 'long', conviction: 0.9, reasons: ['Breakout on volume'] });
    const published = await fetch(`${String(ready.url)}/v1/signals`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });
    expect(published.status).toBe(202);
    const id = ((await published.json()) as { id: string }).id;

    const check = openDatabase(`file:${join(cwd, 'data', 'signalcast.db')}`, { migrate: false });
    try {
      // The subscriber's: the demo places may get the alert too, on plans without rationales.
      const sent = () => check.$client.prepare(`SELECT d.kind FROM deliveries d JOIN signals s ON s.ref = d.content_ref JOIN destinations t ON t.ref = d.destination_ref
        WHERE d.content_type = 'signal' AND s.id = ? AND d.state = 'sent' AND t.address LIKE '%8200001%' ORDER BY d.kind`).pluck().all(id) as string[];
      await until(() => sent().length === 2, 'the alert and the rationale sent', { timeoutMs: 20_000 });
      expect(sent()).toEqual(['alert', 'rationale']);
      expect(check.$client.prepare('SELECT rationale_state AS state, rationale_source AS source, rationale_reason AS reason, rationale_completion_tokens > 0 AS tokens FROM signals WHERE id = ?').get(id))
        .toEqual({ state: 'written', source: 'model', reason: null, tokens: 1 });
    } finally {
      check.$client.close();
    }
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  }, 90_000);
});
