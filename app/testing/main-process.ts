// `main.ts start` as a child process for the tests that run the service as an operator does: spawn it bare, or until it ends by itself,
// or as a service (`LiveRuns` stops them all after a test); the `signalcast` command beside it; the settings such a test starts from; a signed Stripe webhook to it.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Stripe from 'stripe';
import { spawnService, type ServiceProcess } from '../../bench/service-process';
import type { StripeEmulator } from '../../sandbox/stripe';

const MAIN = resolve('main.ts');
const TSX = createRequire(import.meta.url).resolve('tsx');

export interface MainExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `main.ts start` in a fresh folder (not waiting for it to listen): what it writes so far, and its end. `kill` ends it if it still runs. */
export function spawnMain(env: Record<string, string>) {
  const cwd = mkdtempSync(join(tmpdir(), 'sc-main-'));
  const child = spawn(process.execPath, ['--import', TSX, MAIN, 'start'], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, LOG_FORMAT: 'json', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (c: Buffer) => (out.stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out.stderr += c.toString()));
  const exited = new Promise<MainExit>((done) => child.on('exit', (code, signal) => done({ code, signal, ...out })));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  return { child, out, exited, kill };
}

/** `signalcast <args>` (main.ts as the CLI) as a child process in a fresh folder with only these settings: its exit code and what it wrote. */
export function runSignalcast(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'sc-cli-'));
  return new Promise((done) => {
    execFile(process.execPath, ['--import', TSX, MAIN, ...args], { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, LOG_FORMAT: 'json', ...env }, timeout: 60_000 },
      (err, stdout, stderr) => done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

/** What a live test starts, to stop after each test (`stopAll`): the services killed first, then the rest in reverse. */
export class LiveRuns {
  private readonly services: ServiceProcess[] = [];
  private readonly stops: (() => Promise<void>)[] = [];

  /** Something to stop after the test, once the services are killed: an emulator, a child. */
  onStop(stop: () => Promise<void>): void {
    this.stops.push(stop);
  }

  /** `main.ts start` as a service, once it listens; killed after the test. */
  async startService(env: Record<string, string>): Promise<ServiceProcess> {
    const service = await spawnService({ env });
    this.services.push(service);
    return service;
  }

  /** `main.ts start` as a bare child process, killed after the test if it still runs. */
  spawnMain(env: Record<string, string>): ReturnType<typeof spawnMain> {
    const main = spawnMain(env);
    this.onStop(main.kill);
    return main;
  }

  /** `main.ts start` expected to end by itself: its exit code and everything it wrote. */
  runToExit(env: Record<string, string>): Promise<MainExit> {
    return this.spawnMain(env).exited;
  }

  async stopAll(): Promise<void> {
    for (const s of this.services.splice(0)) await s.stop('SIGKILL');
    for (const stop of this.stops.splice(0).reverse()) await stop();
  }
}

/** The settings a live test's service starts from: a database in a fresh folder (named after `name`), billing on `stripe`, and its shutdown budget. */
export function liveSettings(name: string, stripe: StripeEmulator, shutdownTimeoutMs: number): Record<string, string> {
  return {
    DATABASE_URL: `file:${join(mkdtempSync(join(tmpdir(), `sc-${name}-live-`)), 'signalcast.db')}`,
    STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_API_BASE: stripe.url, STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
    SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs),
  };
}

/** POSTs a signed `customer.created` event to the service's Stripe webhook; resolves with the HTTP status. */
export async function postStripeEvent(serviceUrl: string, webhookSecret: string, eventId: string): Promise<number> {
  const payload = JSON.stringify({ id: eventId, object: 'event', type: 'customer.created', created: Math.floor(Date.now() / 1000), livemode: false, data: { object: { id: 'cus_1', object: 'customer' } } });
  const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret });
  const hook = await fetch(`${serviceUrl}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body: payload });
  return hook.status;
}
