import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { postStripeEvent, spawnMain } from './app/testing/main-process';
import { spawnService, type ServiceProcess } from './bench/service-process';
import { openDatabase } from './db/client';
import { startStripeEmulator, type StripeEmulator } from './sandbox/stripe';
import { startTelegramEmulator, type TelegramEmulator } from './sandbox/telegram';

// The service outside sandbox mode (a real-looking bot token and Stripe key), against emulators this test starts.

const SHUTDOWN_TIMEOUT_MS = 4_000;

const running: ServiceProcess[] = [];
const emulators: (TelegramEmulator | StripeEmulator)[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop('SIGKILL');
  for (const e of emulators.splice(0)) await e.stop();
});

interface World {
  telegram: TelegramEmulator;
  stripe: StripeEmulator;
  databasePath: string;
  env: Record<string, string>;
}

/** A Telegram and a Stripe emulator, and the settings of a live-looking service pointed at them. */
async function world(): Promise<World> {
  const telegram = await startTelegramEmulator();
  const stripe = await startStripeEmulator();
  emulators.push(telegram, stripe);
  const databasePath = join(mkdtempSync(join(tmpdir(), 'sc-live-')), 'signalcast.db');
  const env = {
    DATABASE_URL: `file:${databasePath}`,
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    STRIPE_SECRET_KEY: stripe.secretKey,
    STRIPE_API_BASE: stripe.url,
    STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
    SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
  };
  return { telegram, stripe, databasePath, env };
}

async function startLive(env: Record<string, string>): Promise<ServiceProcess> {
  const service = await spawnService({ env });
  running.push(service);
  return service;
}

/** `main.ts start` that is expected to end by itself: its exit code and everything it wrote. */
const runToExit = (env: Record<string, string>) => spawnMain(env).exited;

/** The database was closed cleanly: its write-ahead log is gone, and it opens and answers. */
function expectClosedDatabase(path: string): void {
  expect(existsSync(`${path}-wal`)).toBe(false);
  const db = openDatabase(`file:${path}`, { migrate: false });
  expect(db.$client.pragma('integrity_check', { simple: true })).toBe('ok');
  db.$client.close();
}

describe('signalcast start outside sandbox mode', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`on ${signal} logs "stopped", closes the database and exits 0`, async () => {
      const w = await world();
      const service = await startLive(w.env);
      await service.waitFor((l) => String(l.msg).startsWith('Telegram bot @signalcast_bot started (polling)'));
      expect(service.lines.some((l) => String(l.msg).startsWith('sandbox'))).toBe(false);
      expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
      expect(await service.stop(signal)).toEqual({ code: 0, signal: null });
      expect(service.lines.at(-1)?.msg).toBe('stopped');
      expect(service.stderr.join('')).toBe('');
      expectClosedDatabase(w.databasePath);
    });
  }

  it('with Telegram unreachable logs the cause, answers /readyz 503 naming telegram, serves HTTP, and stops within SHUTDOWN_TIMEOUT_MS', async () => {
    const w = await world();
    await w.telegram.stop();
    const service = await startLive(w.env);
    const failure = await service.waitFor((l) => String(l.msg).startsWith('telegram could not be started'));
    expect(failure).toMatchObject({ level: 50, platform: 'telegram', cause: 'connection refused (ECONNREFUSED)' });
    expect(JSON.stringify(service.lines)).not.toContain(w.telegram.token.split(':')[1]);

    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${service.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'not_ready', checks: { database: 'ok', telegram: 'unreachable: connection refused (ECONNREFUSED)' } });

    // A Stripe webhook is answered, whatever Telegram does.
    expect(await postStripeEvent(service.url, w.stripe.webhookSecret, 'evt_live_1')).toBe(200);

    const before = Date.now();
    expect(await service.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(Date.now() - before).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    expect(service.lines.at(-1)?.msg).toBe('stopped');
    expectClosedDatabase(w.databasePath);
  });

  it('with Telegram hanging on every call, SIGTERM still exits 0 within SHUTDOWN_TIMEOUT_MS', async () => {
    const w = await world();
    const service = await startLive(w.env);
    await service.waitFor((l) => String(l.msg).startsWith('Telegram bot @signalcast_bot started (polling)'));
    w.telegram.failNext({ kind: 'hang' }, { count: 1000 });
    const before = Date.now();
    expect(await service.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(Date.now() - before).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 1_000);
    // Telegram never confirmed the last updates: the stop went on without it.
    expect(service.lines.some((l) => l.msg === 'stopping: gave up waiting for the Telegram bot (SHUTDOWN_TIMEOUT_MS)')).toBe(true);
    expect(service.lines.at(-1)?.msg).toBe('stopped');
    expectClosedDatabase(w.databasePath);
  });

  it('once Telegram answers again, starts the bot by itself and /readyz turns 200', async () => {
    const w = await world();
    const port = Number(new URL(w.telegram.apiRoot).port);
    await w.telegram.stop();
    const service = await startLive(w.env);
    await service.waitFor((l) => String(l.msg).startsWith('telegram could not be started'));
    emulators.push(await startTelegramEmulator({ token: w.telegram.token, port }));
    await service.waitFor((l) => String(l.msg).startsWith('Telegram bot @signalcast_bot started (polling)'), 15_000);
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
  });
});

describe('a start that fails says why and exits non-zero', () => {
  it('exits 78 naming TELEGRAM_BOT_TOKEN when Telegram refuses the token (401)', async () => {
    const w = await world();
    const result = await runToExit({ ...w.env, TELEGRAM_BOT_TOKEN: '7000000001:AAwrongwrongwrongwrongwrongwrong' });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('error: TELEGRAM_BOT_TOKEN: Telegram refused the token (401 Unauthorized)');
    expect(result.stderr + result.stdout).not.toContain('AAwrongwrong');
  });

  it('exits 1 saying the port is in use', async () => {
    const w = await world();
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await runToExit({ ...w.env, PORT: String(port) });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`error: port ${port} is in use`);
    } finally {
      blocker.close();
    }
  });

  it('exits 78 when a platform without an adapter is configured', async () => {
    const result = await runToExit({ WHATSAPP_ENABLED: 'true' });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('WHATSAPP_ENABLED: WhatsApp is not supported yet (Telegram, Discord and Slack are)');
  });

  it('starts no Stripe emulator with a real bot token and no Stripe key, and warns that paid plans cannot be bought', async () => {
    const w = await world();
    const { STRIPE_SECRET_KEY: _key, STRIPE_API_BASE: _base, STRIPE_WEBHOOK_SECRET: _secret, ...env } = w.env;
    const service = await startLive(env);
    const warning = await service.waitFor((l) => String(l.msg).startsWith('STRIPE_SECRET_KEY is not set'));
    expect(warning).toMatchObject({ level: 40, msg: expect.stringContaining('paid plans cannot be bought') });
    expect(service.lines.find((l) => String(l.msg).startsWith('Signalcast listening'))).toMatchObject({ billing: 'off' });
    expect(service.lines.some((l) => /emulator/i.test(String(l.msg)))).toBe(false);
  });
});
