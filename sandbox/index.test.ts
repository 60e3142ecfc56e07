// Sandbox mode: which emulators start, and the settings that point the real clients at them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import cron from 'node-cron';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareService } from '../app/service';
import { createStripeClient } from '../billing/client';
import { DISCORD_DEMO_ROLE } from '../bots/discord/plan-access';
import { loadConfig } from '../config';
import { silentLogger } from '../core/logger';
import { recordingLogger } from '../core/testing/logger';
import type { AccessResource } from '../core/access/ports';
import { DEFAULT_PLANS, type PlansConfig } from '../core/plans';
import { until } from '../core/testing/until';
import { openMemoryDatabase } from '../db/client';
import type { Cron } from '../schedules';
import { startSandbox, type Sandbox } from './index';
import { DEMO_GUILD } from './discord';

/** Loopback only, and the console on a free port, whatever runs beside the tests. */
const LOCAL = { HOST: '127.0.0.1', PORT: '0' };

const started: Sandbox[] = [];
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  for (const s of started.splice(0)) await s.stop();
});

/** Schedules nothing, so only what the test does runs. */
const idleCron: Cron = { validate: (e) => cron.validate(e), schedule: (() => ({ stop: () => undefined })) as unknown as Cron['schedule'] };

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

describe('the Discord emulator in sandbox mode', () => {
  it('starts with its gateway and the demo server, points discord.js at it, and the service answers a slash command there', async () => {
    const logger = recordingLogger();
    const sandbox = await startSandbox({ config: loadConfig({ ...LOCAL, LOG_LEVEL: 'silent' }), plans: DEFAULT_PLANS, logger });
    started.push(sandbox);
    const discord = sandbox.discord!.emulator;
    expect(discord.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
    expect(sandbox.config.discord).toMatchObject({ token: discord.token, apiUrl: discord.apiUrl });
    expect(logger.records.some((r) => r.msg === `sandbox: Discord emulator at ${discord.apiUrl} (bot Signalcast; server "Signal Room" ${DEMO_GUILD.id} (#vip-signals for VIP))`)).toBe(true);
    // The demo server: its VIP role under the bot's and #vip-signals at the ids the VIP plan gates.
    const guild = discord.state.guilds.get(DEMO_GUILD.id)!;
    expect([...guild.channels.values()].map((c) => c.name)).toEqual(['general', 'vip-signals']);
    expect(discord.state.rolesOf(guild).map((r) => r.name)).toEqual(['@everyone', 'Free', 'VIP', 'Signalcast', 'Admin']);
    expect(guild.roles.get(DEMO_GUILD.vipRole)?.name).toBe('VIP');
    expect(guild.channels.get(DEMO_GUILD.vipChannel)?.name).toBe('vip-signals');
    expect(sandbox.plans.plans.find((p) => p.id === 'vip')?.access).toContainEqual(DISCORD_DEMO_ROLE);

    // The service on these settings logs discord.js in through the emulator's gateway and answers there.
    const service = await prepareService({ config: sandbox.config, logger: silentLogger, db: openMemoryDatabase(), plans: sandbox.plans, cron: idleCron });
    stops.push(async () => {
      await service.stop();
      service.db.$client.close();
    });
    sandbox.attach(await service.start());
    expect(sandbox.discord!.gateway.stats.identifies).toBe(1);
    await until(() => discord.state.globalCommands.some((c) => c.name === 'plans') || undefined, 'the slash commands');
    const ada = discord.memberJoins(DEMO_GUILD.id, { username: 'ada' });
    const asked = discord.runCommand({ guildId: DEMO_GUILD.id, userId: ada, channelId: guild.channels.values().next().value!.id, name: 'plans' });
    expect((await until(() => asked.original, 'the answer to /plans')).content).toContain('VIP');

    // The console has a Discord section for the demo server.
    const page = await (await fetch(sandbox.consoleUrl ?? '')).text();
    expect(page).toContain('<section id="discord"><h2>Discord</h2>');
    expect(page).toContain('a member of <strong>Signal Room</strong>');

    await sandbox.stop();
    started.splice(started.indexOf(sandbox), 1);
    await expect(fetch(`${discord.apiUrl}/v10/gateway/bot`)).rejects.toThrow();
  });

  it('with a plans file, makes a server for each Discord guild the plans gate, with the role and channels at their ids', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sc-sandbox-plans-'));
    const plansFile = join(dir, 'plans.yaml');
    writeFileSync(plansFile, '');
    const proRole: AccessResource = { platform: 'discord', kind: 'role', tenant: '123456789012345678', id: '223456789012345678', channels: ['323456789012345678'] };
    const plans: PlansConfig = { ...DEFAULT_PLANS, plans: DEFAULT_PLANS.plans.map((p) => (p.id === 'pro' ? { ...p, access: [proRole] } : p)) };
    const sandbox = await startSandbox({ config: loadConfig({ ...LOCAL, PLANS_FILE: plansFile }), plans, logger: silentLogger });
    started.push(sandbox);
    const discord = sandbox.discord!.emulator;
    const guild = discord.state.guilds.get('123456789012345678')!;
    expect(guild.roles.get('223456789012345678')?.name).toBe('Pro');
    expect(guild.channels.get('323456789012345678')?.name).toBe('pro-signals');
    expect(discord.state.botTopPosition(guild)).toBeGreaterThan(guild.roles.get('223456789012345678')!.position);
    // The demo server is there too, for the console, gating nothing: a plans file says its own.
    expect(sandbox.discord!.guilds.map((g) => [g.guild.id, g.gated.map((c) => c.name)])).toEqual([['123456789012345678', ['pro-signals']], [DEMO_GUILD.id, []]]);
    expect(sandbox.plans).toBe(plans);
  });
});

describe('the Stripe emulator in sandbox mode', () => {
  it('listens on SANDBOX_STRIPE_PORT, on HOST, and the checkout link the bot hands out opens its page at that port', async () => {
    const port = await freePort();
    const sandbox = await startSandbox({ config: loadConfig({ ...LOCAL, SANDBOX_STRIPE_PORT: String(port), LOG_LEVEL: 'silent' }), plans: DEFAULT_PLANS, logger: silentLogger });
    started.push(sandbox);
    expect(sandbox.stripe?.listening()).toEqual({ address: '127.0.0.1', port });
    expect(sandbox.stripe?.url).toBe(`http://127.0.0.1:${port}`);
    expect(sandbox.config.sandboxStripePort).toBe(port);
    expect(sandbox.config.stripe.apiBase).toBe(`http://127.0.0.1:${port}`);

    const service = await prepareService({ config: sandbox.config, logger: silentLogger, db: openMemoryDatabase(), plans: sandbox.plans, cron: idleCron });
    stops.push(async () => {
      await service.stop();
      service.db.$client.close();
    });
    sandbox.attach(await service.start());
    const consoleUrl = sandbox.consoleUrl ?? '';
    await sendFromConsole(consoleUrl, '/start');
    await sendFromConsole(consoleUrl, '/subscribe vip');
    const link = await until(async () => /href="(http:\/\/[^"]+\/c\/pay\/[^"]+)" target="_blank"/.exec(await (await fetch(consoleUrl)).text())?.[1], 'the checkout link', { timeoutMs: 8_000, everyMs: 25 });
    expect(link.startsWith(`http://127.0.0.1:${port}/c/pay/cs_`)).toBe(true);
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<h1>Subscribe to VIP');
    const paid = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email: 'ada@example.com', card_number: '4242 4242 4242 4242' }).toString(), redirect: 'manual' });
    expect(paid.status).toBe(303);
    expect([...(sandbox.stripe?.store.subscriptions.values() ?? [])].map((r) => r.sub.status)).toEqual(['trialing']);
  }, 20_000);

  it('refuses to start, naming SANDBOX_STRIPE_PORT, when its port is taken, and leaves the console stopped', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    const consolePort = await freePort();
    try {
      await expect(startSandbox({ config: loadConfig({ ...LOCAL, CONSOLE_PORT: String(consolePort), SANDBOX_STRIPE_PORT: String(port) }), plans: DEFAULT_PLANS, logger: silentLogger }))
        .rejects.toMatchObject({ code: 'config_invalid', message: expect.stringMatching(new RegExp(`^SANDBOX_STRIPE_PORT: port ${port} on 127\\.0\\.0\\.1 is in use .*set SANDBOX_STRIPE_PORT to a free port, or 0 for any$`)) });
      // The console started before it was stopped again: its port is free.
      await expect(fetch(`http://127.0.0.1:${consolePort}/`)).rejects.toThrow();
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('with HOST 0.0.0.0 listens on every address, and the service and its checkout links use 127.0.0.1', async () => {
    const sandbox = await startSandbox({ config: loadConfig({ HOST: '0.0.0.0', PORT: '0' }), plans: DEFAULT_PLANS, logger: silentLogger });
    started.push(sandbox);
    const port = sandbox.stripe?.port ?? 0;
    expect(sandbox.stripe?.listening()).toEqual({ address: '0.0.0.0', port });
    expect(sandbox.stripe?.url).toBe(`http://127.0.0.1:${port}`);
    // The service's own stripe client, from the settings the sandbox gives it.
    const client = createStripeClient({ secretKey: sandbox.config.stripe.secretKey ?? '', apiBase: sandbox.config.stripe.apiBase });
    const session = await client.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: 'price_vip_monthly', quantity: 1 }], success_url: 'http://127.0.0.1:8080/paid', cancel_url: 'http://127.0.0.1:8080/' });
    expect(session.url).toBe(`http://127.0.0.1:${port}/c/pay/${session.id}`);
    expect((await fetch(session.url ?? '')).status).toBe(200);
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

/** Sends a message to the bot as Ada from the console's form. */
async function sendFromConsole(consoleUrl: string, text: string): Promise<void> {
  const res = await fetch(`${consoleUrl}telegram/send`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ text }).toString(), redirect: 'manual' });
  expect(res.status).toBe(303);
}
