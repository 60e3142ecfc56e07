// Sandbox mode: without platform tokens or a Stripe key, start the emulators on loopback and point the real clients at them.
import { randomBytes } from 'node:crypto';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { sandboxNeeds } from '../app/sandbox-needs';
import { withDemoChannel } from '../app/adapters/demo-channel';
import { STRIPE_WEBHOOK_PATH } from '../billing/webhook-route';
import type { Config } from '../config';
import { systemClock, type Clock } from '../core/clock';
import { SignalcastError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { PlansConfig } from '../core/plans';
import { openDatabase } from '../db/client';
import { startConsole, TelegramSection, type ConsoleSection, type SandboxConsole } from './console';
import { DiscordSection } from './console/discord-section';
import { StripeSection } from './console/stripe-section';
import { startSandboxDiscord, type SandboxDiscord } from './discord-start';
import { SlackSection } from './console/slack-section';
import { restoreSlackInstalls } from './slack-restore';
import { sandboxSecretsKey } from './secrets-key';
import { startSandboxSlack, type SandboxSlack } from './slack-start';
import { createPlanChannels, stripePlanPrices } from './register';
import { resetSandboxAccounts } from './reset';
import { removeSandboxState, sandboxStatePath, shownPath, writeSandboxState } from './state-file';
import { startStripeEmulator, type StripeEmulator } from './stripe';
import { startOpenAIEmulator, type OpenAIEmulator } from './openai';
import { startTelegramEmulator, type TelegramEmulator, type TelegramLimits } from './telegram';

export { createPlanChannels, stripePlanPrices } from './register';
export type { SandboxDiscord } from './discord-start';
export type { SandboxSlack } from './slack-start';

export interface SandboxOptions {
  config: Config;
  plans: PlansConfig;
  logger: Logger;
  /** Simulated time for both emulators; the system clock by default. */
  clock?: Clock | undefined;
  telegramLimits?: Partial<TelegramLimits> | undefined;
  /**
   * The service's own sandbox (main.ts), not a test's: writes the emulators' addresses and
   * credentials to `sandbox.json` beside the database for the CLI (0600, removed at stop), and
   * resets the database's accounts to match the new, empty emulators (see reset.ts).
   */
  useDataFolder?: boolean | undefined;
}

/** The emulators started, and the settings that point the real clients at them. */
export interface Sandbox {
  /** The settings with the emulators' token, keys and URLs filled in. */
  readonly config: Config;
  /** The plans to run the service with: with the built-in plans (PLANS_FILE unset), the VIP plan gates the demo channel and the demo server's VIP role. */
  readonly plans: PlansConfig;
  readonly telegram: TelegramEmulator | null;
  /** The Discord emulator (REST and gateway) with the demo server and the plans' servers. */
  readonly discord: SandboxDiscord | null;
  /** The Slack emulator with the demo workspace "Acme Trading Desk" and the app set up for OAuth installs. */
  readonly slack: SandboxSlack | null;
  readonly stripe: StripeEmulator | null;
  /** The OpenAI emulator that writes the rationales, when no model is set. */
  readonly openai: OpenAIEmulator | null;
  /** The console page where a person acts as a subscriber (runs with a chat emulator). */
  readonly console: SandboxConsole | null;
  /** `http://<HOST>:<CONSOLE_PORT>/` (127.0.0.1 when HOST is every address), or null without a chat emulator. */
  readonly consoleUrl: string | null;
  /** Once the service listens: Stripe's webhooks go to `<serviceUrl>/webhooks/stripe`, and the console shows how to publish to it. */
  attach(serviceUrl: string): void;
  stop(): Promise<void>;
}

/**
 * Starts the emulators the settings call for (see app/sandbox-needs.ts), creates the plans' private
 * channels with the bot as administrator and the Discord servers (sandbox/discord-start.ts), and
 * returns settings that point grammy, discord.js and stripe-node at them, with a fresh webhook
 * signing secret. The Telegram and Discord emulators listen on 127.0.0.1 only; the
 * console (CONSOLE_PORT) and the Stripe emulator (SANDBOX_STRIPE_PORT, its checkout and portal pages
 * for a browser) listen on HOST; when HOST is every address (0.0.0.0), the service calls the Stripe
 * emulator, and its checkout and portal links point, at 127.0.0.1.
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const logger = options.logger.child({ component: 'sandbox' });
  const clock = options.clock ?? systemClock;
  const needs = sandboxNeeds(options.config);
  // The built-in plans gate nothing; the sandbox's demo gives the VIP plan its channel (a plans file says its own).
  const plans = (needs.telegram || needs.discord || needs.slack) && options.config.plansFile === undefined ? withDemoChannel(options.plans) : options.plans;
  let config = options.config;
  let telegram: TelegramEmulator | null = null;
  let discord: SandboxDiscord | null = null;
  let slack: SandboxSlack | null = null;
  let serviceUrl: string | undefined;
  let stripe: StripeEmulator | null = null;
  let openai: OpenAIEmulator | null = null;
  let consolePage: SandboxConsole | null = null;
  try {
    const sections: ConsoleSection[] = [];
    if (needs.telegram) {
      telegram = await startTelegramEmulator({ clock, limits: options.telegramLimits });
      const channels = createPlanChannels(telegram, plans);
      config = { ...config, telegram: { ...config.telegram, token: telegram.token, apiRoot: telegram.apiRoot } };
      logger.info({ telegram: telegram.apiRoot, channels }, `sandbox: Telegram emulator at ${telegram.apiRoot} (bot @signalcast_bot${channels.length ? `, private channels ${channels.map((c) => c.chatId).join(', ')}` : ''})`);
      const titled = channels.map((c) => ({ chatId: Number(c.chatId), title: `${plans.plans.find((p) => p.id === c.planId)?.name ?? c.planId} signals` }));
      sections.push(new TelegramSection({ emulator: telegram, channels: titled }));
    }
    if (needs.discord) {
      discord = await startSandboxDiscord({ clock, plans, logger });
      config = { ...config, discord: { ...config.discord, token: discord.emulator.token, apiUrl: discord.emulator.apiUrl } };
      sections.push(new DiscordSection({ emulator: discord.emulator, servers: discord.guilds }));
    }
    if (needs.slack) {
      slack = await startSandboxSlack({ clock, logger });
      config = await withSandboxSlack(config, slack, logger, options.useDataFolder === true);
      sections.push(new SlackSection({ emulator: slack.emulator, workspace: slack.workspace, serviceUrl: () => serviceUrl }));
    }
    if (sections.length > 0) {
      consolePage = await startConsole({ sections: [...sections, new StripeSection({ emulator: () => stripe })], host: config.host, port: config.consolePort })
        .catch((err: unknown) => {
          if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
          throw new SignalcastError('config_invalid', `CONSOLE_PORT: port ${options.config.consolePort} on ${options.config.host} is in use (the sandbox console's port, PORT + 1 unless set): set CONSOLE_PORT to a free port, or 0 for any`, { cause: err });
        });
      config = { ...config, consolePort: consolePage.port };
      logger.info({ console: `${consolePage.url}/` }, `sandbox: console at ${consolePage.url}/`);
    }
    if (needs.stripe) {
      // On HOST like the console, so a browser outside a container opens its checkout and portal pages.
      stripe = await startStripeEmulator({
        clock,
        host: config.host,
        port: config.sandboxStripePort,
        plans: stripePlanPrices(plans),
        webhookSecret: `whsec_${randomBytes(24).toString('hex')}`,
        ...(clock === systemClock ? { tickIntervalMs: 5_000 } : { signatureClock: clock }),
      }).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
        throw new SignalcastError('config_invalid', `SANDBOX_STRIPE_PORT: port ${options.config.sandboxStripePort} on ${options.config.host} is in use (the sandbox Stripe emulator's port, PORT + 2 unless set): set SANDBOX_STRIPE_PORT to a free port, or 0 for any`, { cause: err });
      });
      config = { ...config, sandboxStripePort: stripe.port, stripe: { secretKey: stripe.secretKey, apiBase: stripe.url, webhookSecret: stripe.webhookSecret } };
      const why = options.config.sandbox ? '' : ' (STRIPE_SECRET_KEY is not set: payments go to the emulator and no money moves)';
      logger.info({ stripe: stripe.url }, `sandbox: Stripe emulator at ${stripe.url}; its checkout and portal pages are there${why}`);
    }
    if (needs.openai) {
      openai = await startOpenAIEmulator();
      config = { ...config, openai: { ...config.openai, apiKey: openai.apiKey, baseUrl: openai.baseURL } };
      logger.info({ openai: openai.baseURL }, `sandbox: OpenAI emulator at ${openai.baseURL} writes the rationales (set OPENAI_API_KEY or OPENAI_BASE_URL for a real model)`);
    }
    if (options.useDataFolder) await useDataFolder({ config, telegram, discord, slack, stripe, openai, consoleUrl: consolePage ? `${consolePage.url}/` : null, clock, logger });
  } catch (err) {
    await Promise.allSettled([consolePage?.stop(), telegram?.stop(), discord?.stop(), slack?.stop(), stripe?.stop(), openai?.stop()]);
    throw err;
  }
  const statePath = options.useDataFolder ? sandboxStatePath(config) : null;
  const started = { telegram, discord, slack, stripe, openai, console: consolePage, consoleUrl: consolePage ? `${consolePage.url}/` : null };
  return {
    config,
    plans,
    ...started,
    attach(url) {
      serviceUrl = url;
      consolePage?.setServiceUrl(url);
      slack?.attach(url, config.publicUrl);
      if (!stripe) return;
      const webhookUrl = `${url.replace(/\/+$/, '')}${STRIPE_WEBHOOK_PATH}`;
      stripe.setWebhookUrl(webhookUrl);
      logger.info({ webhookUrl }, `sandbox: the Stripe emulator sends its webhooks to ${webhookUrl}`);
    },
    async stop() {
      if (statePath) removeSandboxState(statePath);
      await Promise.allSettled([consolePage?.stop(), telegram?.stop(), discord?.stop(), slack?.stop(), stripe?.stop(), openai?.stop()]);
    },
  };
}

/** The Discord users the database knows, known to the new emulator again and back in the console's first server. */
function bringBackDiscordUsers(discord: SandboxDiscord, users: { id: string; username: string | undefined }[]): void {
  const guildId = discord.guilds[0]?.guild.id;
  for (const user of users) {
    discord.emulator.createUser(user.username ?? 'member', user.id);
    if (guildId) discord.emulator.memberJoins(guildId, { userId: user.id });
  }
}

/**
 * Resets the database's sandbox accounts to match the new emulators (which start empty), tells the
 * Telegram and Discord emulators about the users the database knows, and writes sandbox.json for the CLI.
 */
async function useDataFolder(args: { config: Config; telegram: TelegramEmulator | null; discord: SandboxDiscord | null; slack: SandboxSlack | null; stripe: StripeEmulator | null; openai: OpenAIEmulator | null; consoleUrl: string | null; clock: Clock; logger: Logger }): Promise<void> {
  const { config, telegram, discord, stripe, logger } = args;
  const path = sandboxStatePath(config);
  if (!path) return; // An in-memory database starts empty too, and no CLI can reach it.
  const db = openDatabase(config.databaseUrl);
  try {
    const report = resetSandboxAccounts(db, args.clock, { telegram: telegram !== null, discord: discord !== null, stripe: stripe !== null });
    for (const user of report.telegramUsers) telegram?.addUser(user.id, { username: user.username, startedBot: true });
    if (discord) bringBackDiscordUsers(discord, report.discordUsers);
    const restored = args.slack ? await restoreSlackInstalls(db, args.clock, config.secretsKey, args.slack, logger) : 0;
    const { telegramUsers, discordUsers, ...cleared } = report;
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    const parts = [
      plural(cleared.subscriptions, 'subscription'),
      ...(telegram || discord ? [plural(cleared.memberships, 'channel membership'), plural(cleared.inviteLinks, 'invite link')] : []),
      ...(stripe ? [plural(cleared.stripeCustomers, 'Stripe customer')] : []),
    ];
    const known = [
      ...(telegram && telegramUsers.length > 0 ? [`the Telegram emulator knows the ${plural(telegramUsers.length, 'Telegram user')} again`] : []),
      ...(discord && discordUsers.length > 0 ? [`the Discord emulator knows the ${plural(discordUsers.length, 'Discord user')} again, in its server`] : []),
      ...(restored > 0 ? ['the Slack emulator knows the app\'s install in the demo workspace again'] : []),
    ];
    logger.info({ reset: cleared, telegramUsers: telegramUsers.length, discordUsers: discordUsers.length },
      `sandbox: the emulators start empty and keep nothing across restarts, so the sandbox's accounts were reset to match: cleared ${parts.join(', ')}; accounts, signals and API keys are kept${known.length ? ` (${known.join('; ')})` : ''}`);
  } finally {
    db.$client.close();
  }
  writeSandboxState(path, {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    telegram: telegram ? { token: telegram.token, apiRoot: telegram.apiRoot } : null,
    discord: discord ? { token: discord.emulator.token, apiUrl: discord.emulator.apiUrl } : null,
    slack: args.slack ? { ...args.slack.settings, publicUrl: config.publicUrl ?? '' } : null,
    stripe: stripe ? { secretKey: stripe.secretKey, apiBase: stripe.url, webhookSecret: stripe.webhookSecret } : null,
    openai: args.openai ? { apiKey: args.openai.apiKey, baseUrl: args.openai.baseURL } : null,
    console: args.consoleUrl,
  });
  logger.info({ file: path }, `sandbox: the emulators' addresses are in ${shownPath(path)} (readable by you only), for \`signalcast access reconcile\` and \`billing reconcile\``);
}

/** Where the service is reached for OAuth: PUBLIC_URL, else 127.0.0.1 at PORT (a free port picked now when PORT is 0, so the redirect is known before the service listens). */
async function sandboxPublicUrl(config: Config): Promise<{ port: number; publicUrl: string }> {
  if (config.publicUrl) return { port: config.port, publicUrl: config.publicUrl };
  const port = config.port !== 0 ? config.port : await freePort(config.host);
  return { port, publicUrl: `http://127.0.0.1:${port}` };
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The settings with the Slack emulator's: the app's signing secret and OAuth client, the emulator's
 * Web API and authorize page, a SECRETS_KEY for the installations (the sandbox's own, kept beside
 * the database, when none is set) and PUBLIC_URL for the OAuth redirect.
 */
async function withSandboxSlack(config: Config, slack: SandboxSlack, logger: Logger, persist: boolean): Promise<Config> {
  const secrets = sandboxSecretsKey(config, { persist });
  if (secrets.source === 'new-file' && secrets.path) logger.info({ file: shownPath(secrets.path) }, `sandbox: SECRETS_KEY is not set, so the sandbox made a key of its own in ${shownPath(secrets.path)} (readable by you only) to seal Slack installations`);
  const { port, publicUrl } = await sandboxPublicUrl(config);
  return { ...config, port, publicUrl, secretsKey: secrets.key, slack: { ...config.slack, ...slack.settings } };
}
