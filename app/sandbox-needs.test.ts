// Which emulators sandbox mode starts, decided from the settings alone.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { sandboxNeeds } from './sandbox-needs';

const TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DISCORD_TOKEN = `${'M'.repeat(24)}.GaBcDe.${'x'.repeat(38)}`;

describe('sandboxNeeds', () => {
  it('never starts an emulator once a real platform token is set, even without a Stripe key', () => {
    expect(sandboxNeeds(loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN }))).toEqual({ telegram: false, discord: false, slack: false, stripe: false, openai: false });
    expect(sandboxNeeds(loadConfig({ DISCORD_BOT_TOKEN: DISCORD_TOKEN }))).toEqual({ telegram: false, discord: false, slack: false, stripe: false, openai: false });
    // In sandbox mode a Stripe key of one's own replaces the Stripe emulator.
    expect(sandboxNeeds(loadConfig({ STRIPE_SECRET_KEY: 'sk_test_abc' }))).toEqual({ telegram: true, discord: true, slack: true, stripe: false, openai: true });
    expect(sandboxNeeds(loadConfig({}))).toEqual({ telegram: true, discord: true, slack: true, stripe: true, openai: true });
  });

  it('never starts the Slack emulator, nor any, once SLACK_BOT_TOKEN or SLACK_CLIENT_ID is set', () => {
    const secret = { SLACK_SIGNING_SECRET: 'a'.repeat(32) };
    expect(sandboxNeeds(loadConfig({ ...secret, SLACK_BOT_TOKEN: 'xoxb-1-2-abc' }))).toEqual({ telegram: false, discord: false, slack: false, stripe: false, openai: false });
    const oauth = { ...secret, SLACK_CLIENT_ID: '111.222', SLACK_CLIENT_SECRET: 'b'.repeat(32), SECRETS_KEY: 'c'.repeat(64), PUBLIC_URL: 'https://signals.example.com' };
    expect(sandboxNeeds(loadConfig(oauth))).toEqual({ telegram: false, discord: false, slack: false, stripe: false, openai: false });
  });

  it('with every setting given needs no emulator', () => {
    expect(sandboxNeeds(loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, STRIPE_SECRET_KEY: 'sk_test_abc' }))).toEqual({ telegram: false, discord: false, slack: false, stripe: false, openai: false });
    expect(sandboxNeeds(loadConfig({ DISCORD_BOT_TOKEN: DISCORD_TOKEN, STRIPE_SECRET_KEY: 'sk_test_abc' }))).toEqual({ telegram: false, discord: false, slack: false, stripe: false, openai: false });
  });

  it('starts the OpenAI emulator only for rationales without a model of one\'s own', () => {
    expect(sandboxNeeds(loadConfig({ OPENAI_API_KEY: 'sk-own' })).openai).toBe(false);
    expect(sandboxNeeds(loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' })).openai).toBe(false);
    expect(sandboxNeeds(loadConfig({ RATIONALES: 'off' })).openai).toBe(false);
  });
});
