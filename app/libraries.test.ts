import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { FakeClock } from '../core/clock';
import { silentLogger } from '../core/logger';
import { DEFAULT_PLANS } from '../core/plans';
import { SecretBox } from '../core/tenancy/secret-box';
import { openMemoryDatabase } from '../db/client';
import { SqliteInstallationStore } from '../db/stores/installation-store';
import { createAccessQueue } from './access';
import { buildAdapters } from './adapters/build';
import { ADAPTERS } from './adapters/table';
import { createBilling, stripeBilling } from './billing';
import { loadLibraries } from './libraries';
import { openaiModel } from './rationale';

const TELEGRAM = { TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ' };
const DISCORD = { DISCORD_BOT_TOKEN: `${'M'.repeat(24)}.GaBcDe.${'x'.repeat(38)}` };

function build(env: Record<string, string>) {
  const db = openMemoryDatabase();
  const clock = new FakeClock();
  const queue = createAccessQueue({ db, plans: DEFAULT_PLANS, clock, platforms: [] });
  const installations = new SqliteInstallationStore({ db, clock, secrets: new SecretBox(undefined) });
  return buildAdapters(ADAPTERS, loadConfig(env), { logger: silentLogger, clock, access: { store: queue.store, notices: queue.notices }, installations, publicUrl: undefined });
}

// One file, one module graph: the order of these tests is the order things get loaded.
describe('the libraries the settings call for', () => {
  it('builds no configured platform before its adapter is loaded: the error names what is missing and how to load it', () => {
    expect(() => build(TELEGRAM)).toThrow(/the Telegram adapter \(grammy\) is not loaded: load the configured libraries \(loadLibraries/);
    expect(build({}).size).toBe(0);
  });

  it('loads, for Telegram alone, the Telegram adapter and nothing else: Discord, Stripe and the rationale model stay unloaded', async () => {
    await loadLibraries(loadConfig({ ...TELEGRAM, RATIONALES: 'on' }));
    expect([...build(TELEGRAM).keys()]).toEqual(['telegram']);
    expect(() => build({ ...TELEGRAM, ...DISCORD })).toThrow(/the Discord adapter \(discord\.js\) is not loaded/);
    expect(stripeBilling.loaded).toBe(false);
    expect(openaiModel.loaded).toBe(false);
    expect(() => createBilling(loadConfig({ STRIPE_SECRET_KEY: 'sk_test_x' }).stripe, {} as never)).toThrow(/billing \(stripe\) is not loaded/);
  });

  it('loads Stripe with STRIPE_SECRET_KEY, the model with rationales on and a model set, and Discord with its token', async () => {
    await loadLibraries(loadConfig({ ...DISCORD, STRIPE_SECRET_KEY: 'sk_test_x', RATIONALES: 'on', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' }));
    expect([...build({ ...TELEGRAM, ...DISCORD }).keys()]).toEqual(['telegram', 'discord']);
    expect(stripeBilling.loaded).toBe(true);
    expect(openaiModel.loaded).toBe(true);
  });
});
