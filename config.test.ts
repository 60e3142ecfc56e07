import { describe, expect, it } from 'vitest';
import { loadConfig, parseRate, secretValues } from './config';

describe('loadConfig', () => {
  it('starts with defaults and no settings at all, in sandbox mode', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.databaseUrl).toBe('file:./data/signalcast.db');
    expect(c.sandbox).toBe(true);
    expect(c.delivery.maxAttempts).toBe(8);
  });

  it('names the setting and what is expected', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT: expected a whole number from 0 to 65535/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT: expected a whole number from 0 to 65535/);
    expect(() => loadConfig({ BAND_A_MIN: 'high' })).toThrow(/BAND_A_MIN: expected a number from 0 to 1/);
    expect(() => loadConfig({ PUBLIC_URL: 'not a url' })).toThrow(/PUBLIC_URL: expected a URL/);
    expect(() => loadConfig({ TELEGRAM_RATE_OVERALL: 'fast' })).toThrow(/TELEGRAM_RATE_OVERALL: expected "<count>\/<window>"/);
  });

  it('sets HTTP timeouts and the connection cap, and refuses a header timeout above the request timeout', () => {
    expect(loadConfig({}).http).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 500 });
    expect(loadConfig({ HTTP_MAX_CONNECTIONS: '50' }).http.maxConnections).toBe(50);
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '60000' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS: must not be above HTTP_REQUEST_TIMEOUT_MS \(30000\)/);
    expect(() => loadConfig({ HTTP_MAX_CONNECTIONS: '0' })).toThrow(/HTTP_MAX_CONNECTIONS: expected a whole number from 1/);
  });

  it('makes personal invite links ask to join unless TELEGRAM_INVITE_MODE says member_limit', () => {
    expect(loadConfig({}).telegram.inviteMode).toBe('join_request');
    expect(loadConfig({ TELEGRAM_INVITE_MODE: 'member_limit' }).telegram.inviteMode).toBe('member_limit');
    expect(() => loadConfig({ TELEGRAM_INVITE_MODE: 'bearer' })).toThrow(/TELEGRAM_INVITE_MODE: .*"join_request"\|"member_limit"/);
  });

  it('lists every wrong setting at once', () => {
    expect(() => loadConfig({ PORT: '-1', LOG_LEVEL: 'loud' })).toThrow(/PORT[\s\S]*LOG_LEVEL|LOG_LEVEL[\s\S]*PORT/);
  });

  it('never echoes a secret in its error', () => {
    const secret = 'sk_nope_this-is-secret-value';
    let message = '';
    try {
      loadConfig({ STRIPE_SECRET_KEY: secret });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/STRIPE_SECRET_KEY: expected a Stripe secret key/);
    expect(message).not.toContain(secret);
  });

  it('reads SECRETS_KEY as 32 bytes in hex or base64, and refuses any other key without echoing it', () => {
    const bytes = Buffer.alloc(32, 7);
    expect(Buffer.from(loadConfig({ SECRETS_KEY: bytes.toString('hex') }).secretsKey!)).toEqual(bytes);
    expect(Buffer.from(loadConfig({ SECRETS_KEY: bytes.toString('base64') }).secretsKey!)).toEqual(bytes);
    expect(Buffer.from(loadConfig({ SECRETS_KEY: bytes.toString('base64url') }).secretsKey!)).toEqual(bytes);
    expect(loadConfig({}).secretsKey).toBeUndefined();
    for (const bad of [Buffer.alloc(16, 7).toString('base64'), 'correct-horse-battery-staple-and-more-words!', bytes.toString('hex').slice(2)]) {
      let message = '';
      try {
        loadConfig({ SECRETS_KEY: bad });
      } catch (err) {
        expect(err).toMatchObject({ code: 'config_invalid' });
        message = (err as Error).message;
      }
      expect(message).toMatch(/SECRETS_KEY: expected 32 random bytes as 64 hex characters or as base64/);
      expect(message).not.toContain(bad);
    }
  });

  it('hands SECRETS_KEY to the log scrubber in each form it may be written in', () => {
    const bytes = Buffer.alloc(32, 9);
    const values = secretValues(loadConfig({ SECRETS_KEY: bytes.toString('base64') }));
    expect(values).toEqual(expect.arrayContaining([bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64url')]));
  });

  it('leaves sandbox mode when a platform token is set', () => {
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ' }).sandbox).toBe(false);
  });

  it('stops the start naming each platform that is not supported yet, and the settings given for it', () => {
    expect(() => loadConfig({ WHATSAPP_ENABLED: 'true', CHROMIUM_PATH: '/usr/bin/chromium' })).toThrow(/WHATSAPP_ENABLED, CHROMIUM_PATH: WhatsApp is not supported yet \(Telegram, Discord and Slack are\); unset them to start/);
    expect(() => loadConfig({ WHATSAPP_ENABLED: 'true' })).toThrow(/WHATSAPP_ENABLED: WhatsApp is not supported yet/);
    // Asking for nothing is fine.
    expect(loadConfig({ WHATSAPP_ENABLED: 'false' }).sandbox).toBe(true);
  });

  it('reads the Discord settings, leaves sandbox mode with a Discord token, and names a bad one without echoing it', () => {
    const token = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GabcDE.abcdefghijklmnopqrstuvwxyz0123';
    const config = loadConfig({ DISCORD_BOT_TOKEN: token, DISCORD_API_URL: 'http://127.0.0.1:4000/api/', DISCORD_SHARD_COUNT: '2', DISCORD_OPERATOR_IDS: '111111111111111111, 222222222222222222' });
    expect(config.sandbox).toBe(false);
    expect(config.discord).toEqual({ token, applicationId: undefined, apiUrl: 'http://127.0.0.1:4000/api', shardCount: 2, operatorIds: ['111111111111111111', '222222222222222222'], removeUnmanagedHolders: false });
    expect(loadConfig({}).discord).toMatchObject({ token: undefined, shardCount: 'auto', removeUnmanagedHolders: false });
    expect(loadConfig({ DISCORD_REMOVE_UNMANAGED_HOLDERS: 'true' }).discord.removeUnmanagedHolders).toBe(true);
    expect(loadConfig({ DISCORD_RATE_OVERALL: '40/1s' }).rateOverrides.discord).toEqual({ overall: expect.anything() });
    expect(secretValues(config)).toContain(token);
    const bad = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error('expected the settings to be refused');
    };
    const message = bad({ DISCORD_BOT_TOKEN: 'secret-discord-token' });
    expect(message).toMatch(/DISCORD_BOT_TOKEN: expected a bot token from the Developer Portal/);
    expect(message).not.toContain('secret-discord-token');
    expect(bad({ DISCORD_SHARD_COUNT: '0' })).toMatch(/DISCORD_SHARD_COUNT: expected auto or a number of shards from 1 to 1000/);
    expect(bad({ DISCORD_SHARD_COUNT: 'many' })).toMatch(/DISCORD_SHARD_COUNT: expected auto or a number of shards/);
    expect(bad({ DISCORD_APPLICATION_ID: '12' })).toMatch(/DISCORD_APPLICATION_ID: expected the application id/);
    expect(bad({ DISCORD_REMOVE_UNMANAGED_HOLDERS: 'yes' })).toMatch(/DISCORD_REMOVE_UNMANAGED_HOLDERS: expected true or false/);
  });

  it('takes Telegram updates by long polling unless TELEGRAM_MODE=webhook, which needs PUBLIC_URL', () => {
    const token = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: token, PUBLIC_URL: 'https://signals.example.com' }).telegram.mode).toBe('polling');
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_MODE: 'webhook', PUBLIC_URL: 'https://signals.example.com' }).telegram.mode).toBe('webhook');
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_MODE: 'webhook' })).toThrow(/TELEGRAM_MODE: webhook needs PUBLIC_URL/);
    expect(() => loadConfig({ TELEGRAM_MODE: 'push' })).toThrow(/TELEGRAM_MODE: expected polling or webhook/);
  });

  it('reads rate overrides per platform', () => {
    const c = loadConfig({ TESTCHAT_RATE_OVERALL: '1000/1s', TESTCHAT_RATE_PER_CHAT: '1/1s' });
    expect(c.rateOverrides.testchat).toEqual({ overall: { limit: 1000, windowMs: 1000 }, perChat: { limit: 1, windowMs: 1000 } });
  });

  it('strips a trailing slash from base URLs', () => {
    expect(loadConfig({ TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/' }).telegram.apiRoot).toBe('http://127.0.0.1:8081');
  });
});

describe('parseRate', () => {
  it('reads counts per window', () => {
    expect(parseRate('20/60s')).toEqual({ limit: 20, windowMs: 60_000 });
    expect(parseRate('5/500ms')).toEqual({ limit: 5, windowMs: 500 });
    expect(parseRate('100/1m')).toEqual({ limit: 100, windowMs: 60_000 });
  });
});

describe('CONSOLE_PORT', () => {
  it('is the port beside PORT unless set, a free one when PORT is 0, and checked like PORT', () => {
    expect(loadConfig({}).consolePort).toBe(8081);
    expect(loadConfig({ PORT: '3000' }).consolePort).toBe(3001);
    expect(loadConfig({ PORT: '0' }).consolePort).toBe(0);
    expect(loadConfig({ PORT: '65535' }).consolePort).toBe(0);
    expect(loadConfig({ PORT: '3000', CONSOLE_PORT: '9000' }).consolePort).toBe(9000);
    expect(loadConfig({ CONSOLE_PORT: '0' }).consolePort).toBe(0);
    expect(() => loadConfig({ CONSOLE_PORT: '80000' })).toThrow(/CONSOLE_PORT: expected a whole number from 0 to 65535 \(got "80000"\)/);
  });
});

describe('SANDBOX_STRIPE_PORT', () => {
  it('is two past PORT unless set, a free one when PORT is 0 or that is past the last port, and checked like PORT', () => {
    expect(loadConfig({}).sandboxStripePort).toBe(8082);
    expect(loadConfig({ PORT: '3000' }).sandboxStripePort).toBe(3002);
    expect(loadConfig({ PORT: '0' }).sandboxStripePort).toBe(0);
    expect(loadConfig({ PORT: '65533' }).sandboxStripePort).toBe(65535);
    expect(loadConfig({ PORT: '65534' }).sandboxStripePort).toBe(0);
    expect(loadConfig({ PORT: '65535' }).sandboxStripePort).toBe(0);
    expect(loadConfig({ PORT: '3000', SANDBOX_STRIPE_PORT: '9000' }).sandboxStripePort).toBe(9000);
    expect(loadConfig({ SANDBOX_STRIPE_PORT: '0' }).sandboxStripePort).toBe(0);
    expect(() => loadConfig({ SANDBOX_STRIPE_PORT: '80000' })).toThrow(/SANDBOX_STRIPE_PORT: expected a whole number from 0 to 65535 \(got "80000"\)/);
    expect(() => loadConfig({ SANDBOX_STRIPE_PORT: 'stripe' })).toThrow(/SANDBOX_STRIPE_PORT: expected a whole number/);
  });
});

describe('Slack settings', () => {
  const SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
  const KEY = Buffer.alloc(32, 7).toString('base64');
  const message = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (err) {
      expect(err).toMatchObject({ code: 'config_invalid' });
      return (err as Error).message;
    }
    throw new Error('expected the settings to be refused');
  };

  it('reads a single-workspace setup, leaves sandbox mode, and hands every Slack secret to the scrubber', () => {
    const config = loadConfig({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_API_URL: 'http://127.0.0.1:4100/api/', SLACK_OPERATOR_IDS: 'U1, U2', SLACK_RATE_PER_TENANT: '20/60s' });
    expect(config.sandbox).toBe(false);
    expect(config.slack).toEqual({
      signingSecret: SECRET, botToken: 'xoxb-1-2-abc', clientId: undefined, clientSecret: undefined, appToken: undefined,
      apiUrl: 'http://127.0.0.1:4100/api/', authorizeUrl: 'https://slack.com/oauth/v2/authorize', operatorIds: ['U1', 'U2'],
    });
    expect(config.rateOverrides.slack).toEqual({ perTenant: { limit: 20, windowMs: 60_000 } });
    expect(secretValues(config)).toEqual(expect.arrayContaining([SECRET, 'xoxb-1-2-abc']));
    expect(loadConfig({}).slack).toMatchObject({ signingSecret: undefined, apiUrl: 'https://slack.com/api/' });
  });

  it('reads an OAuth setup with Socket Mode, and accepts a bot token beside it', () => {
    const env = { SLACK_SIGNING_SECRET: SECRET, SLACK_CLIENT_ID: '123.456', SLACK_CLIENT_SECRET: 'f'.repeat(32), SLACK_APP_TOKEN: 'xapp-1-A1-2-abc', SECRETS_KEY: KEY, PUBLIC_URL: 'https://signals.example.com' };
    const config = loadConfig(env);
    expect(config.sandbox).toBe(false);
    expect(config.slack).toMatchObject({ clientId: '123.456', clientSecret: 'f'.repeat(32), appToken: 'xapp-1-A1-2-abc' });
    expect(secretValues(config)).toEqual(expect.arrayContaining(['f'.repeat(32), 'xapp-1-A1-2-abc']));
    expect(loadConfig({ ...env, SLACK_BOT_TOKEN: 'xoxb-9' }).slack.botToken).toBe('xoxb-9');
  });

  it('wants the signing secret with any Slack setting, naming it and the settings given', () => {
    expect(message({ SLACK_BOT_TOKEN: 'xoxb-1' })).toMatch(/SLACK_SIGNING_SECRET: required with any Slack setting \(SLACK_BOT_TOKEN\)/);
    expect(message({ SLACK_APP_TOKEN: 'xapp-1' })).toMatch(/SLACK_SIGNING_SECRET: required/);
  });

  it('wants a bot token or the whole OAuth client', () => {
    expect(message({ SLACK_SIGNING_SECRET: SECRET })).toMatch(/SLACK_BOT_TOKEN: set it \(one workspace\), or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET/);
    expect(message({ SLACK_SIGNING_SECRET: SECRET, SLACK_CLIENT_ID: '1.2', SECRETS_KEY: KEY, PUBLIC_URL: 'https://x.example' })).toMatch(/SLACK_CLIENT_SECRET: required with SLACK_CLIENT_ID/);
    expect(message({ SLACK_SIGNING_SECRET: SECRET, SLACK_CLIENT_SECRET: 'f'.repeat(32) })).toMatch(/SLACK_CLIENT_ID: required with SLACK_CLIENT_SECRET/);
  });

  it('wants SECRETS_KEY and PUBLIC_URL for OAuth installs', () => {
    const text = message({ SLACK_SIGNING_SECRET: SECRET, SLACK_CLIENT_ID: '1.2', SLACK_CLIENT_SECRET: 'f'.repeat(32) });
    expect(text).toMatch(/SECRETS_KEY: required with SLACK_CLIENT_ID/);
    expect(text).toMatch(/PUBLIC_URL: required with SLACK_CLIENT_ID/);
  });

  it('checks the shapes of tokens and URLs without echoing a token', () => {
    const bad = message({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxp-user-token-secret', SLACK_APP_TOKEN: 'xoxb-not-an-app-token' });
    expect(bad).toMatch(/SLACK_BOT_TOKEN: expected a bot token \(xoxb-\.\.\.\)/);
    expect(bad).toMatch(/SLACK_APP_TOKEN: expected an app-level token \(xapp-\.\.\.\)/);
    expect(bad).not.toContain('xoxp-user-token-secret');
    expect(bad).not.toContain('xoxb-not-an-app-token');
    expect(message({ SLACK_SIGNING_SECRET: 'short' })).not.toContain('short"');
    expect(message({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_API_URL: 'not a url' })).toMatch(/SLACK_API_URL: expected a URL/);
  });
});
