import { describe, expect, it } from 'vitest';
import type { TelegramAdapter } from '../../bots/telegram/adapter';
import { loadConfig } from '../../config';
import { FakeClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { DEFAULT_PLANS } from '../../core/plans';
import { SecretBox } from '../../core/tenancy/secret-box';
import { openMemoryDatabase } from '../../db/client';
import { SqliteInstallationStore } from '../../db/stores/installation-store';
import { startTelegramEmulator } from '../../sandbox/telegram';
import { createAccessQueue } from '../access';
import { buildAdapters } from './build';
import { ADAPTERS } from './table';
import { SLACK_WORKSPACE_LICENCE } from '../../bots/slack/plan-access';
import { loadAllLibraries } from '../testing/all-libraries';

// The table's factories need their adapter modules imported (app/libraries.ts loads the configured ones): here, all of them.
await loadAllLibraries();

/** The adapters the table builds from these settings. */
function adaptersFor(env: Record<string, string>) {
  const db = openMemoryDatabase();
  const clock = new FakeClock();
  const queue = createAccessQueue({ db, plans: DEFAULT_PLANS, clock, platforms: [] });
  return buildAdapters(ADAPTERS, loadConfig(env), { logger: silentLogger, clock, access: { store: queue.store, notices: queue.notices }, installations: new SqliteInstallationStore({ db, clock, secrets: new SecretBox(undefined) }), publicUrl: loadConfig(env).publicUrl });
}

const TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ';

describe('the adapter table', () => {
  it('builds only the configured platforms: none without settings, Telegram with a token, both with a test chat URL too', () => {
    expect([...adaptersFor({}).keys()]).toEqual([]);
    expect([...adaptersFor({ TELEGRAM_BOT_TOKEN: TOKEN }).keys()]).toEqual(['telegram']);
    expect([...adaptersFor({ TELEGRAM_BOT_TOKEN: TOKEN, TESTCHAT_URL: 'http://127.0.0.1:9', TESTCHAT_TOKEN: 'tc' }).keys()]).toEqual(['telegram', 'testchat']);
  });

  it('keeps long polling when PUBLIC_URL is set, and takes a webhook only with TELEGRAM_MODE=webhook', () => {
    const env = { TELEGRAM_BOT_TOKEN: TOKEN, PUBLIC_URL: 'https://signals.example.com' };
    const telegram = (e: Record<string, string>) => adaptersFor(e).get('telegram') as TelegramAdapter;
    expect(telegram(env).bot.mode).toBe('polling');
    expect(telegram({ ...env, TELEGRAM_MODE: 'webhook' }).bot.webhook?.url).toBe('https://signals.example.com/webhooks/telegram');
  });

  it('builds Slack with a signing secret and a bot token or the OAuth client, without a gate (the workspace licence is an entitlement)', () => {
    const secret = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const slack = adaptersFor({ SLACK_SIGNING_SECRET: secret, SLACK_BOT_TOKEN: 'xoxb-1-2-abc' }).get('slack');
    expect(slack).toMatchObject({ name: 'slack', label: 'Slack', capabilities: { access: ['workspace'], freeText: false, ackWithinMs: 2_000 } });
    expect(slack!.gate).toBeUndefined();
    expect(slack!.workspace).toBeDefined();
    const oauth = adaptersFor({ SLACK_SIGNING_SECRET: secret, SLACK_CLIENT_ID: '1.2', SLACK_CLIENT_SECRET: 'c'.repeat(32), SECRETS_KEY: Buffer.alloc(32, 1).toString('base64'), PUBLIC_URL: 'https://signals.example.com' });
    const paths: string[] = [];
    oauth.get('slack')!.routes!({ add: (route) => void paths.push(`${route.method} ${route.path}`) });
    expect(paths).toEqual(['POST /slack/events', 'GET /slack/install', 'GET /slack/oauth_redirect']);
    const row = ADAPTERS.find((r) => r.name === 'slack');
    // No gate; in the sandbox the Enterprise plan licenses the demo workspace.
    expect([row?.gated, row?.sandboxDemo, row?.sandboxDemoPlan]).toEqual([false, SLACK_WORKSPACE_LICENCE, 'enterprise']);
  });

  it('fails naming the setting when a platform is configured with an unusable value', () => {
    expect(() => adaptersFor({ TESTCHAT_URL: 'not a url', TESTCHAT_TOKEN: 'tc' })).toThrow(/TESTCHAT_URL/);
  });

  it('registers a menu without /link when Telegram is the only chat app', async () => {
    const emu = await startTelegramEmulator();
    try {
      const adapter = adaptersFor({ TELEGRAM_BOT_TOKEN: emu.token, TELEGRAM_API_ROOT: emu.apiRoot }).get('telegram');
      await adapter?.start(async () => []);
      await adapter?.stop();
      const menu = emu.commands().map((c) => c.command);
      expect(menu).toContain('subscribe');
      expect(menu).not.toContain('link');
    } finally {
      await emu.stop();
    }
  });
});
