// Sandbox mode: which emulators start, and the settings that point the real clients at them.
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { silentLogger } from '../core/logger';
import { DEFAULT_PLANS } from '../core/plans';
import { sandboxNeeds, startSandbox, type Sandbox } from './index';

const started: Sandbox[] = [];
afterEach(async () => {
  for (const s of started.splice(0)) await s.stop();
});

describe('sandbox mode', () => {
  it('with no tokens starts both emulators, makes the VIP channel, and points the settings at them', async () => {
    const config = loadConfig({});
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
  });

  it('stops the console with the emulators', async () => {
    const sandbox = await startSandbox({ config: loadConfig({}), plans: DEFAULT_PLANS, logger: silentLogger });
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
});
