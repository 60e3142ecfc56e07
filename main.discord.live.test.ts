// The service on Discord as an operator runs it: `main.ts start` with a real-looking bot token and DISCORD_API_URL pointed at an emulator (with its gateway) this test runs; no sandbox.
import { afterEach, describe, expect, it } from 'vitest';
import { liveSettings, LiveRuns, postStripeEvent } from './app/testing/main-process';
import { until } from './core/testing/until';
import { attachGateway, startDiscordEmulator, type DiscordEmulator, type DiscordGateway } from './sandbox/discord';
import { startStripeEmulator, type StripeEmulator } from './sandbox/stripe';

const SHUTDOWN_TIMEOUT_MS = 4_000;

const live = new LiveRuns();
afterEach(() => live.stopAll());

interface World {
  discord: DiscordEmulator;
  gateway: DiscordGateway;
  stripe: StripeEmulator;
  env: Record<string, string>;
}

/** A Discord emulator with its gateway and a server, a Stripe emulator, and the settings of a live-looking service pointed at them. */
async function world(): Promise<World> {
  const discord = await startDiscordEmulator();
  const gateway = attachGateway(discord);
  live.onStop(async () => {
    await gateway.close();
    await discord.stop();
  });
  discord.createGuild({ name: 'Signal Room', channels: ['general', 'vip-signals'], roles: ['VIP'] });
  const stripe = await startStripeEmulator();
  live.onStop(() => stripe.stop());
  const env = { ...liveSettings('discord', stripe, SHUTDOWN_TIMEOUT_MS), DISCORD_BOT_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl };
  return { discord, gateway, stripe, env };
}

/** The token's secret part (after the first dot): what must never be printed. */
const secretOf = (token: string) => token.split('.').slice(1).join('.');

describe('signalcast start on Discord outside sandbox mode', () => {
  it('starts discord.js on the gateway, registers the slash commands, answers /readyz 200 naming discord, and on SIGTERM exits 0 promptly', async () => {
    const w = await world();
    const service = await live.startService(w.env);
    await service.waitFor((l) => String(l.msg).startsWith('Discord bot Signalcast started'));
    expect(service.lines.some((l) => /sandbox|emulator/i.test(String(l.msg)))).toBe(false);
    expect(w.gateway.stats.identifies).toBe(1);
    expect(w.discord.state.globalCommands.map((c) => c.name)).toEqual(expect.arrayContaining(['plans', 'subscribe', 'status', 'billing', 'join']));
    const ready = await fetch(`${service.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { database: 'ok', discord: 'ok' } });
    expect(service.lines.find((l) => String(l.msg).startsWith('Signalcast listening'))).toMatchObject({ platforms: ['discord'], billing: 'stripe' });

    const before = Date.now();
    expect(await service.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(Date.now() - before).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    expect(service.lines.at(-1)?.msg).toBe('stopped');
    expect(service.stderr.join('')).toBe('');
    expect(JSON.stringify(service.lines)).not.toContain(secretOf(w.discord.token));
  });

  it('with Discord unreachable logs the cause without the token, answers /readyz 503 naming discord, serves HTTP, and stops within SHUTDOWN_TIMEOUT_MS', async () => {
    const w = await world();
    // Nothing listens at DISCORD_API_URL.
    await w.gateway.close();
    await w.discord.stop();
    const service = await live.startService(w.env);
    const failure = await service.waitFor((l) => String(l.msg).startsWith('discord could not be started'), 30_000);
    expect(failure).toMatchObject({ level: 50, platform: 'discord', cause: 'connection refused (ECONNREFUSED)' });
    expect(JSON.stringify(service.lines)).not.toContain(secretOf(w.discord.token));

    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${service.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'not_ready', checks: { database: 'ok', discord: 'unreachable: connection refused (ECONNREFUSED)' } });

    // A Stripe webhook is answered, whatever Discord does.
    expect(await postStripeEvent(service.url, w.stripe.webhookSecret, 'evt_discord_live_1')).toBe(200);

    const before = Date.now();
    expect(await service.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(Date.now() - before).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    expect(service.lines.at(-1)?.msg).toBe('stopped');
  }, 40_000);

  it('with Discord hanging on every call at start, exits 0 on a SIGTERM during the start, within SHUTDOWN_TIMEOUT_MS', async () => {
    const w = await world();
    w.discord.server.failNext({ kind: 'hang' }, { count: 1_000 });
    const main = live.spawnMain(w.env);
    await until(() => main.out.stdout.includes('discord has not answered yet'), 'the slow start logged', { timeoutMs: 30_000 });
    const before = Date.now();
    main.child.kill('SIGTERM');
    const ended = await main.exited;
    expect(ended.code).toBe(0);
    expect(Date.now() - before).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    expect(ended.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { msg?: string }).msg).at(-1)).toBe('stopped');
    expect(ended.stdout).not.toContain(secretOf(w.discord.token));
  }, 40_000);

  it('once Discord answers again, starts the bot by itself and /readyz turns 200', async () => {
    const w = await world();
    const port = Number(new URL(w.discord.apiUrl).port);
    await w.gateway.close();
    await w.discord.stop();
    const service = await live.startService(w.env);
    await service.waitFor((l) => String(l.msg).startsWith('discord could not be started'), 30_000);
    const back = await startDiscordEmulator({ token: w.discord.token, port });
    const gateway = attachGateway(back);
    live.onStop(async () => {
      await gateway.close();
      await back.stop();
    });
    await service.waitFor((l) => String(l.msg).startsWith('Discord bot Signalcast started'), 20_000);
    expect(gateway.stats.identifies).toBe(1);
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
  }, 40_000);
});

describe('a Discord start that cannot work says why and exits 78', () => {
  it('exits 78 naming DISCORD_BOT_TOKEN when Discord refuses the token (401), without printing it', async () => {
    const w = await world();
    const wrong = `${w.discord.token.split('.')[0]}.AAAAAA.wrongwrongwrongwrongwrongwrong`;
    const result = await live.runToExit({ ...w.env, DISCORD_BOT_TOKEN: wrong });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('DISCORD_BOT_TOKEN');
    expect(result.stderr).toMatch(/refused the token/);
    expect(result.stderr + result.stdout).not.toContain('wrongwrongwrong');
    expect(w.gateway.stats.identifies).toBe(0);
  });

  it('exits 78 naming DISCORD_APPLICATION_ID when the token belongs to another application', async () => {
    const w = await world();
    const result = await live.runToExit({ ...w.env, DISCORD_APPLICATION_ID: '123456789012345678' });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('DISCORD_APPLICATION_ID');
    expect(result.stderr).toContain(w.discord.applicationId);
    expect(result.stderr + result.stdout).not.toContain(secretOf(w.discord.token));
    // It stopped before registering commands for the wrong application.
    expect(w.discord.state.globalCommands).toEqual([]);
  });
});
