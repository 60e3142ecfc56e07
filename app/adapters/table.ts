// The adapter table: every chat platform this build has, as one row (platform → settings → factory).
// Adding a platform is one folder in bots/ and one row here; nothing else in app/ names a platform.
// A row's settings, access spec and plan fields load with the table; its factory, and with it the platform's SDK, only when
// `load()` is awaited (loadLibraries, app/libraries.ts: for the configured platforms), so a Telegram-only service never loads discord.js.
import { DISCORD_DEMO_ROLE, DISCORD_ROLE_IDS, discordAccess } from '../../bots/discord/plan-access';
import { createTestchatAdapter } from '../../bots/testchat';
import { SLACK_ENTERPRISE, SLACK_WORKSPACE_LICENCE, slackAccess } from '../../bots/slack/plan-access';
import type { Config } from '../../config';
import { TELEGRAM_CHAT_IDS, TELEGRAM_DEMO_CHANNEL, telegramAccess } from '../../bots/telegram/plan-access';
import type { AccessResource } from '../../core/access/ports';
import type { DeprecatedPlanField } from '../../core/plans';
import { testchatAccess } from '../../bots/testchat/plan-access';
import type { AccessSpec, AdapterContext, PlatformAdapter } from '../../core/platform/adapter';
import type { PlatformName } from '../../core/types';
import { lazy } from '../lazy';

/** One platform: its name and label, its settings when configured (null when not), and its factory. */
export interface AdapterRow<S = unknown> {
  name: PlatformName;
  /** The app's name as people write it. */
  label: string;
  /** Its adapter has an access gate (known without building it: the CLI queues access jobs for these). */
  gated: boolean;
  /** How its entries in a plan's `access:` list read, where it gates access. */
  access?: AccessSpec | undefined;
  /** The plans file's fields of an older format it reads into `access:` (each with a warning), for one release. */
  deprecatedPlanFields?: readonly DeprecatedPlanField[] | undefined;
  /** In sandbox mode with the built-in plans, the place the VIP plan gates on its emulator (app/adapters/demo-channel.ts). */
  sandboxDemo?: AccessResource | undefined;
  /** The built-in plan that gets `sandboxDemo` (the VIP plan when absent). */
  sandboxDemoPlan?: string | undefined;
  /** Its settings from the configuration; null when this platform is not configured. */
  settings(config: Config): S | null;
  /** Builds the adapter; contacts nothing. Throws config_invalid naming the setting when the settings are unusable. */
  create(settings: S, ctx: AdapterContext): PlatformAdapter;
  /** Imports what `create` needs (the platform's SDK), awaited before composing; absent when `create` needs nothing imported. */
  load?: (() => Promise<unknown>) | undefined;
}

// Each platform's adapter module, imported only when that platform is configured.
const telegram = lazy('the Telegram adapter (grammy)', () => import('../../bots/telegram/adapter'));
const discord = lazy('the Discord adapter (discord.js)', () => import('../../bots/discord/adapter'));
const slack = lazy('the Slack adapter (@slack/bolt)', () => import('../../bots/slack/adapter'));

/** A row with its settings type checked against its factory. */
export function adapterRow<S>(row: AdapterRow<S>): AdapterRow {
  return row as AdapterRow;
}

export const ADAPTERS: readonly AdapterRow[] = [
  adapterRow({
    name: 'telegram',
    label: 'Telegram',
    gated: true,
    access: telegramAccess,
    deprecatedPlanFields: [TELEGRAM_CHAT_IDS],
    sandboxDemo: TELEGRAM_DEMO_CHANNEL,
    settings: ({ telegram }) => (telegram.token ? { ...telegram, token: telegram.token } : null),
    create: (settings, ctx) => telegram.get().createTelegramAdapter(settings, ctx),
    load: telegram.load,
  }),
  adapterRow({
    name: 'discord',
    label: 'Discord',
    gated: true,
    access: discordAccess,
    deprecatedPlanFields: [DISCORD_ROLE_IDS],
    sandboxDemo: DISCORD_DEMO_ROLE,
    settings: ({ discord }) => (discord.token ? { ...discord, token: discord.token } : null),
    create: (settings, ctx) => discord.get().createDiscordAdapter(settings, ctx),
    load: discord.load,
  }),
  adapterRow({
    name: 'slack',
    label: 'Slack',
    // No gate: the workspace licence is an entitlement; planning decides what a workspace's channels get.
    gated: false,
    access: slackAccess,
    deprecatedPlanFields: [SLACK_ENTERPRISE],
    // In the sandbox the Enterprise plan licenses the demo workspace.
    sandboxDemo: SLACK_WORKSPACE_LICENCE,
    sandboxDemoPlan: 'enterprise',
    settings: ({ slack }) => (slack.signingSecret && (slack.botToken || slack.clientId)
      ? { ...slack, signingSecret: slack.signingSecret }
      : null),
    create: (settings, ctx) => slack.get().createSlackAdapter(settings, ctx),
    load: slack.load,
  }),
  adapterRow({
    name: 'testchat',
    label: 'Test chat',
    gated: true,
    access: testchatAccess,
    settings: ({ testchat }) => (testchat.url ? { url: testchat.url, token: testchat.token ?? '' } : null),
    create: (settings, ctx) => createTestchatAdapter(settings, ctx),
  }),
];
