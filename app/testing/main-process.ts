// `main.ts start` as a child process for the tests that run the service as an operator does: spawn it bare, or until it ends by itself; a signed Stripe webhook to it.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Stripe from 'stripe';

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

/** POSTs a signed `customer.created` event to the service's Stripe webhook; resolves with the HTTP status. */
export async function postStripeEvent(serviceUrl: string, webhookSecret: string, eventId: string): Promise<number> {
  const payload = JSON.stringify({ id: eventId, object: 'event', type: 'customer.created', created: Math.floor(Date.now() / 1000), livemode: false, data: { object: { id: 'cus_1', object: 'customer' } } });
  const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret });
  const hook = await fetch(`${serviceUrl}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body: payload });
  return hook.status;
}
