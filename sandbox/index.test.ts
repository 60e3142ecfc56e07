// Sandbox mode: which emulators start, and the settings that point the real clients at them.
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { silentLogger } from '../core/logger';
import { DEFAULT_PLANS } from '../core/plans';
import { sandboxNeeds, startSandbox, type Sandbox } from './index';

/** Loopback only, and the console on a free port, whatever runs beside the tests. */
const LOCAL = { HOST: '127.0.0.1', PORT: '0' };

const started: Sandbox[] = [];
afterEach(async () => {
  for (const s of started.splice(0)) await s.stop();
});

describe('sandbox mode', () => {
  it('with no tokens starts both emulators, makes the VIP channel, and points the settings at them', async () => {
    const config = loadConfig(LOCAL);
    const sandbox = await startSandbox({ config, plans: DEFAULT_PLANS, logger: silentLogger });
    started.push(sandbox);
    expect(sandbox.telegram?.apiRoot).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.stripe?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.config.telegram).toMatchObject({ token: sandbox.telegram?.token, apiRoot: sandbox.telegram?.apiRoot });
    expect(sandbox.config.stripe).toEqual({ secretKey: sandbox.stripe?.secretKey, apiBase: sandbox.stripe?.url, webhookSecret: sandbox.stripe?.webhookSecret });
    expect(sandbox.config.stripe.webhookSecret).toMatch(/^whsec_[0-9a-f]{48}$/);
    // The bot is an administrator of the plan's private channel, with the id the plans name.
    expect(sandbox.telegram?.memberStatus(-1001000000001, sandbox.telegram.botId)).toBe('administrator');
    // The paid plans are the emulator's prices.
    const prices = await fetch(`${sandbox.stripe?.url}/v1/prices`, { headers: { authorization: `Bearer ${sandbox.stripe?.secretKey}` } });
    const ids = ((await prices.json()) as { data: { id: string }[] }).data.map((p) => p.id).sort();
    expect(ids).toEqual(['price_enterprise_monthly', 'price_pro_monthly', 'price_vip_monthly']);

    expect(sandbox.stripe?.webhooks.endpointCount).toBe(0);
    sandbox.attach('http://127.0.0.1:4321/');
    expect(sandbox.stripe?.webhooks.endpointCount).toBe(1);

    // The console page, with the plan's channel, and the service's URL once attached.
    expect(sandbox.consoleUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await (await fetch(sandbox.consoleUrl ?? '')).text();
    expect(page).toContain('<strong>VIP signals</strong> <code>-1001000000001</code>');
    expect(page).toContain('curl -sS -X POST http://127.0.0.1:4321/v1/signals');
    expect(page).toContain('<code>npm run cli -- billing reconcile --dry-run</code>');
  });

  it('stops the console with the emulators', async () => {
    const sandbox = await startSandbox({ config: loadConfig(LOCAL), plans: DEFAULT_PLANS, logger: silentLogger });
    expect((await fetch(sandbox.consoleUrl ?? '')).status).toBe(200);
    await sandbox.stop();
    await expect(fetch(sandbox.consoleUrl ?? '')).rejects.toThrow();
  });

  it('never starts an emulator once a real platform token is set, even without a Stripe key', () => {
    expect(sandboxNeeds(loadConfig({ TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ' }))).toEqual({ telegram: false, stripe: false });
    // In sandbox mode a Stripe key of one's own replaces the Stripe emulator.
    expect(sandboxNeeds(loadConfig({ STRIPE_SECRET_KEY: 'sk_test_abc' }))).toEqual({ telegram: true, stripe: false });
    expect(sandboxNeeds(loadConfig({}))).toEqual({ telegram: true, stripe: true });
  });

  it('with every setting given needs no emulator', () => {
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ', STRIPE_SECRET_KEY: 'sk_test_abc' });
    expect(sandboxNeeds(config)).toEqual({ telegram: false, stripe: false });
  });

  it('puts the console on CONSOLE_PORT, on HOST, and gives the service its port', async () => {
    const port = await freePort();
    const sandbox = await startSandbox({ config: loadConfig({ ...LOCAL, CONSOLE_PORT: String(port) }), plans: DEFAULT_PLANS, logger: silentLogger });
    started.push(sandbox);
    expect(sandbox.consoleUrl).toBe(`http://127.0.0.1:${port}/`);
    expect(sandbox.config.consolePort).toBe(port);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
  });

  it('refuses to start, naming CONSOLE_PORT, when the console\'s port is taken, and leaves no emulator running', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      await expect(startSandbox({ config: loadConfig({ ...LOCAL, CONSOLE_PORT: String(port) }), plans: DEFAULT_PLANS, logger: silentLogger }))
        .rejects.toMatchObject({ code: 'config_invalid', message: expect.stringMatching(new RegExp(`^CONSOLE_PORT: port ${port} on 127\\.0\\.0\\.1 is in use .*set CONSOLE_PORT to a free port, or 0 for any$`)) });
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('with HOST 0.0.0.0 the console is reachable from outside a container, and takes forms sent to the name it was reached by', async () => {
    const sandbox = await startSandbox({ config: loadConfig({ HOST: '0.0.0.0', PORT: '0' }), plans: DEFAULT_PLANS, logger: silentLogger });
    started.push(sandbox);
    expect((sandbox.console?.server as unknown as { server: { address(): AddressInfo } }).server.address().address).toBe('0.0.0.0');
    const port = sandbox.console?.port ?? 0;
    expect(sandbox.consoleUrl).toBe(`http://127.0.0.1:${port}/`);
    // A browser on the Docker host opened http://docker-host:<port>/ and sends the form from there.
    const fromHost = await postForm(port, { host: `docker-host:${port}`, origin: `http://docker-host:${port}` });
    expect(fromHost.status).toBe(303);
    // A page on another site is still refused.
    const fromElsewhere = await postForm(port, { host: `docker-host:${port}`, origin: 'http://evil.example' });
    expect(fromElsewhere.status).toBe(403);
  });
});

function freePort(): Promise<number> {
  const probe = createServer();
  return new Promise((resolve) => probe.listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as AddressInfo;
    probe.close(() => resolve(port));
  }));
}

/** Sends the console's "send a message" form over loopback with the given Host and Origin headers (fetch cannot set Host). */
function postForm(port: number, headers: { host: string; origin: string }): Promise<{ status: number }> {
  const body = new URLSearchParams({ text: '/start' }).toString();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/telegram/send', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
