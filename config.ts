// The only reader of process.env: every setting, validated once at start with zod.
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import type { PlatformWindows } from './core/delivery/chat-platform';
import { fraction, idList, int, isTimeZone, onOff, optionalText, rate, secretsKey, timeOrOff, url } from './config-fields';

export { parseRate } from './config-fields';
import { SignalcastError } from './core/errors';
import type { PlatformName } from './core/types';
import type { HttpLimits } from './server/connections';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Settings whose values are secrets: never echoed back in an error. */
export const SECRET_SETTINGS = new Set([
  'INGEST_SIGNING_SECRET', 'ADMIN_TOKEN', 'METRICS_TOKEN', 'TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET', 'DISCORD_BOT_TOKEN',
  'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'SLACK_CLIENT_SECRET', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'OPENAI_API_KEY', 'TESTCHAT_TOKEN',
  'SECRETS_KEY',
]);

/**
 * Settings of the chat platforms that have no adapter yet. Setting any of them stops the start
 * (exit 78) instead of being ignored: an operator who sets DISCORD_BOT_TOKEN expects a Discord bot.
 */
export const UNSUPPORTED_PLATFORM_SETTINGS: Readonly<Record<string, { platform: string; settings: readonly string[] }>> = {
  whatsapp: { platform: 'WhatsApp', settings: ['WHATSAPP_ENABLED', 'CHROMIUM_PATH'] },
};

/** "DISCORD_BOT_TOKEN: Discord is not supported yet ..." for each unsupported platform with a setting given. */
function unsupportedSettings(env: Record<string, string | undefined>): string[] {
  const lines: string[] = [];
  for (const { platform, settings } of Object.values(UNSUPPORTED_PLATFORM_SETTINGS)) {
    // WHATSAPP_ENABLED=false asks for nothing.
    const given = settings.filter((name) => env[name] !== undefined && !(name === 'WHATSAPP_ENABLED' && /^(false|0|no|off)$/i.test(env[name] ?? '')));
    if (given.length === 0) continue;
    lines.push(`  ${given.join(', ')}: ${platform} is not supported yet (Telegram, Discord and Slack are); unset ${given.length === 1 ? 'it' : 'them'} to start`);
  }
  return lines;
}

const schema = z.object({
  PORT: int(0, 65535).default(8080),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  /** The sandbox console's port, on HOST; PORT + 1 when absent. */
  CONSOLE_PORT: int(0, 65535).optional(),
  /** The sandbox Stripe emulator's port (API, checkout and portal pages), on HOST; PORT + 2 when absent. */
  SANDBOX_STRIPE_PORT: int(0, 65535).optional(),
  DATABASE_URL: z.string().trim().min(1).default('file:./data/signalcast.db'),
  PUBLIC_URL: url('https://signals.example.com'),
  PLANS_FILE: optionalText,
  INGEST_SIGNING_SECRET: z.string().min(16, 'expected at least 16 characters').optional(),
  INGEST_RATE_PER_MINUTE: int(1, 1_000_000).default(120),
  /** Encrypts the secrets kept in the database (each workspace's bot token): core/tenancy/secret-box.ts. */
  SECRETS_KEY: secretsKey,
  ADMIN_TOKEN: z.string().min(16, 'expected at least 16 characters').optional(),
  METRICS_TOKEN: z.string().min(16, 'expected at least 16 characters').optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  LOG_FORMAT: z.enum(['auto', 'pretty', 'json']).default('auto'),
  BAND_A_MIN: fraction().default(0.8),
  BAND_B_MIN: fraction().default(0.6),
  OPERATOR_TIME_ZONE: z.string().default('UTC').refine(isTimeZone, 'expected an IANA time zone such as Europe/London'),
  ACCESS_RECONCILE_EVERY_MINUTES: int(1, 60).default(5),
  DELIVERY_MAX_ATTEMPTS: int(1, 100).default(8),
  DELIVERY_CONCURRENCY: int(1, 1000).default(64),
  SHUTDOWN_TIMEOUT_MS: int(0, 3_600_000).default(15_000),
  PLANNING_CACHE_SIZE: int(0, 10_000_000).default(1_000_000),
  PLANNING_CHUNK_SIZE: int(1, 100_000).default(2_000),
  HTTP_HEADERS_TIMEOUT_MS: int(100, 600_000).default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: int(100, 3_600_000).default(30_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(100, 600_000).default(5_000),
  HTTP_MAX_CONNECTIONS: int(1, 1_000_000).default(500),

  TELEGRAM_MODE: z.enum(['polling', 'webhook'], { error: 'expected polling or webhook' }).default('polling'),
  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'expected a token from BotFather, like 123456:ABC-DEF...').optional(),
  TELEGRAM_API_ROOT: url('https://api.telegram.org'),
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'expected 1-256 characters A-Z, a-z, 0-9, _ or -').optional(),
  TELEGRAM_OPERATOR_IDS: idList.optional(),
  TELEGRAM_INVITE_MODE: z.enum(['join_request', 'member_limit']).default('join_request'),
  TELEGRAM_RATE_OVERALL: rate,
  TELEGRAM_RATE_PER_CHAT: rate,
  TELEGRAM_RATE_PER_GROUP: rate,

  DISCORD_BOT_TOKEN: z.string().regex(/^[\w-]{20,}\.[\w-]{4,}\.[\w-]{20,}$/, 'expected a bot token from the Developer Portal (Bot → Reset Token: three parts separated by dots)').optional(),
  DISCORD_APPLICATION_ID: z.string().regex(/^\d{17,20}$/, 'expected the application id from the Developer Portal (General Information), 17 to 20 digits').optional(),
  DISCORD_API_URL: url('https://discord.com/api'),
  DISCORD_SHARD_COUNT: z.string().trim().default('auto').transform((v, ctx) => {
    if (v === 'auto') return 'auto' as const;
    const n = /^\d+$/.test(v) ? Number(v) : NaN;
    if (Number.isInteger(n) && n >= 1 && n <= 1000) return n;
    ctx.addIssue({ code: 'custom', message: 'expected auto or a number of shards from 1 to 1000' });
    return z.NEVER;
  }),
  DISCORD_OPERATOR_IDS: idList.optional(),
  DISCORD_REMOVE_UNMANAGED_HOLDERS: z.enum(['true', 'false'], { error: 'expected true or false' }).default('false').transform((v) => v === 'true'),
  DISCORD_RATE_OVERALL: rate,
  DISCORD_RATE_PER_CHAT: rate,
  DISCORD_RATE_PER_GROUP: rate,

  SLACK_SIGNING_SECRET: z.string().trim().regex(/^\S{16,}$/, 'expected the Signing Secret from the app\'s Basic Information page (16 characters or more)').optional(),
  SLACK_BOT_TOKEN: z.string().trim().regex(/^xoxb-[A-Za-z0-9-]+$/, 'expected a bot token (xoxb-...) from OAuth & Permissions').optional(),
  SLACK_CLIENT_ID: z.string().trim().regex(/^\d+\.\d+$/, 'expected the Client ID from the app\'s Basic Information page, like 1234567890.1234567890').optional(),
  SLACK_CLIENT_SECRET: z.string().trim().regex(/^\S{16,}$/, 'expected the Client Secret from the app\'s Basic Information page (16 characters or more)').optional(),
  SLACK_APP_TOKEN: z.string().trim().regex(/^xapp-[A-Za-z0-9-]+$/, 'expected an app-level token (xapp-...) with the connections:write scope').optional(),
  SLACK_API_URL: url('https://slack.com/api/'),
  SLACK_AUTHORIZE_URL: url('https://slack.com/oauth/v2/authorize'),
  SLACK_OPERATOR_IDS: idList.optional(),
  SLACK_RATE_OVERALL: rate,
  SLACK_RATE_PER_TENANT: rate,
  SLACK_RATE_PER_CHAT: rate,

  STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/, 'expected a Stripe secret key (sk_test_..., sk_live_... or rk_...)').optional(),
  STRIPE_WEBHOOK_SECRET: z.string().regex(/^whsec_[A-Za-z0-9]+$/, 'expected a webhook signing secret (whsec_...)').optional(),
  STRIPE_API_BASE: url('https://api.stripe.com'),

  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: url('https://api.openai.com/v1'),
  OPENAI_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  /** One model call's limit; after it (and its retries) the template is used. */
  OPENAI_TIMEOUT_MS: int(1_000, 600_000).default(20_000),
  /** The most tokens a rationale's answer may take (max_completion_tokens). */
  OPENAI_MAX_TOKENS: int(50, 16_000).default(600),
  /** Retries of a 408, 409, 429 or 5xx (the openai client's own backoff, honouring retry-after). */
  OPENAI_MAX_RETRIES: int(0, 10).default(2),
  /** on: every signal a plan with rationales receives gets one (from the model when one is set, else the template); off: none, and none is offered. */
  RATIONALES: onOff('on'),
  /** The line under every rationale and snapshot; "off" for none. */
  DISCLAIMER: z.string().trim().max(300, 'expected at most 300 characters').default('Not financial advice.'),
  /** When the daily snapshot goes out, HH:MM in OPERATOR_TIME_ZONE; "off" for none (and none is offered). */
  SNAPSHOT_TIME: timeOrOff('18:00'),
  /** When the operators get the day's report of dead deliveries (only on a day something died), HH:MM in OPERATOR_TIME_ZONE; "off" for none. */
  DEAD_LETTER_REPORT_TIME: timeOrOff('08:30'),
  /** Remind subscribers 3 days and 1 day before a trial ends: on or off. */
  TRIAL_REMINDERS: onOff('on'),
  /** Sent, skipped and dead deliveries (and their notices) older than this many days are deleted each night; 0 keeps them all. */
  DELIVERED_RETENTION_DAYS: int(0, 36_500).default(90),

  /** A generic HTTP chat service (the sandbox's test platform, or anything that speaks its small protocol). */
  TESTCHAT_URL: url('http://127.0.0.1:9999'),
  TESTCHAT_TOKEN: optionalText,
  TESTCHAT_RATE_OVERALL: rate,
  TESTCHAT_RATE_PER_CHAT: rate,
  TESTCHAT_RATE_PER_GROUP: rate,
});

type Env = z.infer<typeof schema>;

export interface Config {
  port: number;
  host: string;
  /** The sandbox console's port (on `host`): CONSOLE_PORT, else PORT + 1; 0 picks a free one. */
  consolePort: number;
  /** The sandbox Stripe emulator's port (on `host`): SANDBOX_STRIPE_PORT, else PORT + 2; 0 picks a free one. */
  sandboxStripePort: number;
  databaseUrl: string;
  publicUrl: string | undefined;
  plansFile: string | undefined;
  ingest: { signingSecret: string | undefined; ratePerMinute: number };
  adminToken: string | undefined;
  /** SECRETS_KEY: the 32-byte key that encrypts secrets stored in the database; without it none can be stored. */
  secretsKey: Uint8Array | undefined;
  /** When set, GET /metrics wants `Authorization: Bearer <it>`. */
  metricsToken: string | undefined;
  log: { level: (typeof LOG_LEVELS)[number]; format: 'auto' | 'pretty' | 'json' };
  bands: { aMin: number; bMin: number };
  operatorTimeZone: string;
  /** ACCESS_RECONCILE_EVERY_MINUTES: how often the full access reconcile (drift repair) runs, 1 to 60 minutes (default 5). */
  accessReconcileEveryMinutes: number;
  delivery: { maxAttempts: number; concurrency: number; shutdownTimeoutMs: number };
  /** The most planning candidates kept in memory; above it each publish reads them from the database. */
  planningCacheSize: number;
  /** PLANNING_CHUNK_SIZE: candidates planned per transaction (the publish plans the first chunk, the planning runner the rest). */
  planningChunkSize: number;
  /** HTTP timeouts and the connection cap. */
  http: HttpLimits;
  /** Settings that replace windows of the limits a platform's adapter declares (ChatPlatform.defaultLimits). */
  rateOverrides: Partial<Record<PlatformName, PlatformWindows>>;
  /** `mode`: how updates arrive (TELEGRAM_MODE): long polling, or a webhook at PUBLIC_URL/webhooks/telegram. inviteMode: how personal invite links admit (bots/telegram/access.ts InviteMode). */
  telegram: { token: string | undefined; apiRoot: string | undefined; mode: 'polling' | 'webhook'; webhookSecret: string | undefined; operatorIds: string[]; inviteMode: 'join_request' | 'member_limit' };
  /**
   * Discord (DISCORD_*): the bot token, the application id (checked against the token's at start when
   * set), the REST base (a proxy or the emulator; discord.js finds the gateway through it), the shard
   * count ('auto': as Discord recommends), and whether a managed role held by someone not entitled
   * (given by hand) is removed by the drift repair (default: only reported).
   */
  discord: { token: string | undefined; applicationId: string | undefined; apiUrl: string | undefined; shardCount: number | 'auto'; operatorIds: string[]; removeUnmanagedHolders: boolean };
  /**
   * Slack (SLACK_*): the signing secret; one workspace's bot token (simple setup) and/or the OAuth
   * client for installs per workspace; the app-level token for Socket Mode; the Web API base (with
   * its trailing slash, as @slack/web-api wants it) and the OAuth authorize page; operators' user ids.
   */
  slack: SlackConfig;
  stripe: { secretKey: string | undefined; webhookSecret: string | undefined; apiBase: string | undefined };
  /**
   * The rationale writer (OPENAI_*, RATIONALES): any OpenAI-compatible server at `baseUrl` (with /v1);
   * without a key nor a base URL no model is called and the template is used. `enabled` false: no
   * rationales at all.
   */
  openai: { apiKey: string | undefined; baseUrl: string | undefined; model: string; timeoutMs: number; maxTokens: number; maxRetries: number };
  rationales: { enabled: boolean };
  /** DISCLAIMER: under every rationale and snapshot; null when "off". */
  disclaimer: string | null;
  /**
   * The scheduled jobs' settings, in OPERATOR_TIME_ZONE: the snapshot's and the dead-letter report's
   * time of day (null: off), trial reminders on or off, and how many days delivered rows are kept (0: forever).
   */
  schedules: {
    snapshotAt: { hour: number; minute: number } | null;
    deadLetterReportAt: { hour: number; minute: number } | null;
    trialReminders: boolean;
    retentionDays: number;
  };
  testchat: { url: string | undefined; token: string | undefined };
  /** No platform token (TELEGRAM_BOT_TOKEN, DISCORD_BOT_TOKEN, SLACK_BOT_TOKEN or SLACK_CLIENT_ID): start the local emulators instead (see DESIGN.md, Sandbox). */
  sandbox: boolean;
}

/** The Slack settings; `signingSecret` undefined: Slack is not configured. */
export interface SlackConfig {
  signingSecret: string | undefined;
  botToken: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  appToken: string | undefined;
  apiUrl: string;
  authorizeUrl: string;
  operatorIds: string[];
}

/** Reads a .env file into a plain object; the real environment wins over it. */
export function readDotenv(path: string): Record<string, string> {
  return existsSync(path) ? parseDotenv(readFileSync(path)) : {};
}

/**
 * Validates the environment. Throws a SignalcastError('config_invalid') that
 * names every wrong setting and what is expected, never echoing a secret.
 */
export function loadConfig(env: Record<string, string | undefined> = { ...readDotenv('.env'), ...process.env }): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  const unsupported = unsupportedSettings(cleaned);
  if (!parsed.success || unsupported.length > 0) {
    const lines = unsupported.concat((parsed.error?.issues ?? []).map((issue) => {
      const name = String(issue.path[0] ?? '(settings)');
      const shown = SECRET_SETTINGS.has(name) || cleaned[name] === undefined ? '' : ` (got "${String(cleaned[name]).slice(0, 80)}")`;
      return `  ${name}: ${issue.message}${shown}`;
    }));
    throw new SignalcastError('config_invalid', `Invalid settings:\n${lines.join('\n')}`);
  }
  return toConfig(parsed.data as Env);
}

function rates(e: Env, prefix: 'TELEGRAM' | 'DISCORD' | 'TESTCHAT'): PlatformWindows {
  const out: PlatformWindows = {};
  const overall = e[`${prefix}_RATE_OVERALL`];
  const perChat = e[`${prefix}_RATE_PER_CHAT`];
  const perGroup = e[`${prefix}_RATE_PER_GROUP`];
  if (overall) out.overall = overall;
  if (perChat) out.perChat = perChat;
  if (perGroup) out.perGroup = perGroup;
  return out;
}

function slackRates(e: Env): PlatformWindows {
  const out: PlatformWindows = {};
  if (e.SLACK_RATE_OVERALL) out.overall = e.SLACK_RATE_OVERALL;
  if (e.SLACK_RATE_PER_TENANT) out.perTenant = e.SLACK_RATE_PER_TENANT;
  if (e.SLACK_RATE_PER_CHAT) out.perChat = e.SLACK_RATE_PER_CHAT;
  return out;
}

/**
 * The Slack settings together: the signing secret with any of them; a bot token, or the OAuth client
 * (id and secret, with SECRETS_KEY to seal the workspaces' tokens and PUBLIC_URL for the redirect), or both.
 */
function checkSlack(e: Env): void {
  const given = (Object.keys(e) as (keyof Env)[]).filter((k) => k.startsWith('SLACK_') && e[k] !== undefined);
  if (given.length === 0) return;
  const problems: string[] = [];
  if (!e.SLACK_SIGNING_SECRET) problems.push(`SLACK_SIGNING_SECRET: required with any Slack setting (${given.join(', ')}); copy it from the app's Basic Information page`);
  if (e.SLACK_CLIENT_ID && !e.SLACK_CLIENT_SECRET) problems.push('SLACK_CLIENT_SECRET: required with SLACK_CLIENT_ID (OAuth install per workspace)');
  if (e.SLACK_CLIENT_SECRET && !e.SLACK_CLIENT_ID) problems.push('SLACK_CLIENT_ID: required with SLACK_CLIENT_SECRET (OAuth install per workspace)');
  if (!e.SLACK_BOT_TOKEN && !e.SLACK_CLIENT_ID && !e.SLACK_CLIENT_SECRET) problems.push('SLACK_BOT_TOKEN: set it (one workspace), or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (install per workspace through OAuth)');
  if (e.SLACK_CLIENT_ID && !e.SECRETS_KEY) problems.push('SECRETS_KEY: required with SLACK_CLIENT_ID (each workspace\'s bot token is stored encrypted with it); make one with `openssl rand -base64 32`');
  if (e.SLACK_CLIENT_ID && !e.PUBLIC_URL) problems.push('PUBLIC_URL: required with SLACK_CLIENT_ID (Slack sends the installer back to PUBLIC_URL/slack/oauth_redirect)');
  if (problems.length > 0) throw new SignalcastError('config_invalid', `Invalid settings:\n${problems.map((p) => `  ${p}`).join('\n')}`);
}

/** The port `offset` above the service's (PORT + 1, PORT + 2), or a free one when PORT is 0 (any) or that is past the last port. */
function portBeside(port: number, offset: number): number {
  return port === 0 || port + offset > 65535 ? 0 : port + offset;
}

function toConfig(e: Env): Config {
  if (e.BAND_B_MIN > e.BAND_A_MIN) {
    throw new SignalcastError('config_invalid', `Invalid settings:\n  BAND_B_MIN: must not be above BAND_A_MIN (${e.BAND_A_MIN})`);
  }
  if (e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS) {
    throw new SignalcastError('config_invalid', `Invalid settings:\n  HTTP_HEADERS_TIMEOUT_MS: must not be above HTTP_REQUEST_TIMEOUT_MS (${e.HTTP_REQUEST_TIMEOUT_MS})`);
  }
  if (e.TELEGRAM_MODE === 'webhook' && !e.PUBLIC_URL) {
    throw new SignalcastError('config_invalid', 'Invalid settings:\n  TELEGRAM_MODE: webhook needs PUBLIC_URL (the https:// address Telegram sends updates to); set it, or use TELEGRAM_MODE=polling');
  }
  checkSlack(e);
  const sandbox = !e.TELEGRAM_BOT_TOKEN && !e.DISCORD_BOT_TOKEN && !e.SLACK_BOT_TOKEN && !e.SLACK_CLIENT_ID;
  return {
    port: e.PORT,
    host: e.HOST,
    consolePort: e.CONSOLE_PORT ?? portBeside(e.PORT, 1),
    sandboxStripePort: e.SANDBOX_STRIPE_PORT ?? portBeside(e.PORT, 2),
    databaseUrl: e.DATABASE_URL,
    publicUrl: e.PUBLIC_URL,
    plansFile: e.PLANS_FILE,
    ingest: { signingSecret: e.INGEST_SIGNING_SECRET, ratePerMinute: e.INGEST_RATE_PER_MINUTE },
    adminToken: e.ADMIN_TOKEN,
    secretsKey: e.SECRETS_KEY,
    metricsToken: e.METRICS_TOKEN,
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT },
    bands: { aMin: e.BAND_A_MIN, bMin: e.BAND_B_MIN },
    operatorTimeZone: e.OPERATOR_TIME_ZONE,
    accessReconcileEveryMinutes: e.ACCESS_RECONCILE_EVERY_MINUTES,
    delivery: { maxAttempts: e.DELIVERY_MAX_ATTEMPTS, concurrency: e.DELIVERY_CONCURRENCY, shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS },
    planningCacheSize: e.PLANNING_CACHE_SIZE,
    planningChunkSize: e.PLANNING_CHUNK_SIZE,
    http: {
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: e.HTTP_MAX_CONNECTIONS,
    },
    rateOverrides: {
      telegram: rates(e, 'TELEGRAM'),
      discord: rates(e, 'DISCORD'),
      testchat: rates(e, 'TESTCHAT'),
      slack: slackRates(e),
    },
    telegram: { token: e.TELEGRAM_BOT_TOKEN, apiRoot: e.TELEGRAM_API_ROOT, mode: e.TELEGRAM_MODE, webhookSecret: e.TELEGRAM_WEBHOOK_SECRET, operatorIds: e.TELEGRAM_OPERATOR_IDS ?? [], inviteMode: e.TELEGRAM_INVITE_MODE },
    discord: {
      token: e.DISCORD_BOT_TOKEN, applicationId: e.DISCORD_APPLICATION_ID, apiUrl: e.DISCORD_API_URL, shardCount: e.DISCORD_SHARD_COUNT,
      operatorIds: e.DISCORD_OPERATOR_IDS ?? [], removeUnmanagedHolders: e.DISCORD_REMOVE_UNMANAGED_HOLDERS,
    },
    slack: {
      signingSecret: e.SLACK_SIGNING_SECRET, botToken: e.SLACK_BOT_TOKEN, clientId: e.SLACK_CLIENT_ID, clientSecret: e.SLACK_CLIENT_SECRET,
      appToken: e.SLACK_APP_TOKEN, apiUrl: `${e.SLACK_API_URL ?? 'https://slack.com/api'}/`, authorizeUrl: e.SLACK_AUTHORIZE_URL ?? 'https://slack.com/oauth/v2/authorize',
      operatorIds: e.SLACK_OPERATOR_IDS ?? [],
    },
    stripe: { secretKey: e.STRIPE_SECRET_KEY, webhookSecret: e.STRIPE_WEBHOOK_SECRET, apiBase: e.STRIPE_API_BASE },
    openai: {
      apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL, model: e.OPENAI_MODEL,
      timeoutMs: e.OPENAI_TIMEOUT_MS, maxTokens: e.OPENAI_MAX_TOKENS, maxRetries: e.OPENAI_MAX_RETRIES,
    },
    rationales: { enabled: e.RATIONALES },
    disclaimer: /^off$/i.test(e.DISCLAIMER) || e.DISCLAIMER === '' ? null : e.DISCLAIMER,
    schedules: {
      snapshotAt: e.SNAPSHOT_TIME, deadLetterReportAt: e.DEAD_LETTER_REPORT_TIME, trialReminders: e.TRIAL_REMINDERS, retentionDays: e.DELIVERED_RETENTION_DAYS,
    },
    testchat: { url: e.TESTCHAT_URL, token: e.TESTCHAT_TOKEN },
    sandbox,
  };
}

/** Every secret value in the settings, for the scrubber. */
export function secretValues(config: Config): string[] {
  const values = [
    config.ingest.signingSecret, config.adminToken, config.metricsToken, config.telegram.token, config.telegram.webhookSecret,
    config.discord.token, config.slack.signingSecret, config.slack.botToken, config.slack.clientSecret, config.slack.appToken, config.stripe.secretKey, config.stripe.webhookSecret, config.openai.apiKey, config.testchat.token,
    // SECRETS_KEY in each form it may be written in.
    ...(config.secretsKey ? (['hex', 'base64', 'base64url'] as const).map((f) => Buffer.from(config.secretsKey!).toString(f)) : []),
  ];
  return values.filter((v): v is string => typeof v === 'string' && v.length > 0);
}
