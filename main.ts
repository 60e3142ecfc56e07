// The entry point: the CLI, and `start`, which runs the service composed in app/ (loading the sandbox's emulators only when no tokens are set).
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { planLoadOptions } from './app/adapters/plan-catalog';
import { sandboxNeeds } from './app/sandbox-needs';
import { sandboxPlans } from './app/adapters/demo-channel';
import { createCliContext } from './app/sandbox-cli';
import { prepareService, type Service } from './app/service';
import { runCli, type CliDeps } from './cli/program';
import type { CliIo } from './cli/io';
import { loadConfig, type Config } from './config';
import type { Logger } from './core/logger';
import { loadPlans } from './core/plans';
import { openDatabase } from './db/client';
import { createLogger, secretValues } from './logging';
import type { Sandbox } from './sandbox';

/** Resolves at the first SIGTERM or SIGINT; a second one ends the process at once. */
function shutdownSignal(logger: Logger): Promise<NodeJS.Signals> {
  return new Promise((resolveSignal) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', onSignal).off('SIGINT', onSignal);
      process.once('SIGTERM', () => process.exit(1)).once('SIGINT', () => process.exit(1));
      logger.info({ signal }, 'shutting down: no new requests, finishing sends in flight (send the signal again to stop at once)');
      resolveSignal(signal);
    };
    process.on('SIGTERM', onSignal).on('SIGINT', onSignal);
  });
}

/** Warnings about settings that work but will surprise: no payments, a live key without a public address, no webhook secret. */
export function warnAboutSettings(config: Config, logger: Logger): void {
  const key = config.stripe.secretKey;
  if (!config.sandbox && !key) {
    logger.warn('STRIPE_SECRET_KEY is not set: paid plans cannot be bought (/subscribe answers that payments are not set up); set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET to take payments');
  }
  if (key && !config.stripe.webhookSecret) {
    logger.warn('STRIPE_WEBHOOK_SECRET is not set: /webhooks/stripe is off, so a payment opens access only at the daily billing reconciliation; set it to the endpoint\'s whsec_ secret');
  }
  if (key && /^(sk|rk)_live_/.test(key) && !config.publicUrl) {
    logger.warn(`a live Stripe key is set without PUBLIC_URL: Checkout would send payers back to http://127.0.0.1:${config.port}; set PUBLIC_URL to this service's public https:// address`);
  }
}

/**
 * Runs the service until SIGTERM or SIGINT. Without a platform token (sandbox mode) the sandbox's
 * emulators start first and the real clients are pointed at them; with one, no emulator ever starts,
 * and sandbox/ is never even loaded (a dynamic import, taken only when app/sandbox-needs.ts asks).
 * At the signal: /readyz answers 503, the schedules stop, the bot stops receiving, the HTTP server
 * finishes the requests under way, the dispatcher finishes its sends in flight (all within
 * SHUTDOWN_TIMEOUT_MS), the database closes, the emulators stop.
 */
export async function startService(config: Config): Promise<void> {
  const logger = createLogger({ level: config.log.level, format: config.log.format, secrets: secretValues(config) });
  // In sandbox mode the built-in VIP plan gates the emulators' demo channel and demo server role.
  const plans = sandboxPlans(config, loadPlans(config.plansFile, { ...planLoadOptions(), logger }));
  const needs = sandboxNeeds(config);
  const sandbox: Sandbox | null = needs.telegram || needs.discord || needs.slack || needs.stripe || needs.openai
    ? await (await import('./sandbox')).startSandbox({ config, plans, logger, useDataFolder: true })
    : null;
  let service: Service | undefined;
  // A failure outside every route, job and send: log it and keep serving (see STYLE.md, error boundaries).
  const onUnhandled = (err: unknown) => logger.error({ err }, 'unhandled rejection');
  try {
    // Only the configured platforms' SDKs, and stripe and openai only when set, are imported (app/libraries.ts).
    service = await prepareService({ config: sandbox?.config ?? config, logger, plans });
    process.on('unhandledRejection', onUnhandled);
    const stopping = shutdownSignal(logger);
    // A signal during the start (Telegram answering slowly) stops at once.
    const url = await Promise.race([service.start(), stopping.then(() => null)]);
    if (url !== null) {
      sandbox?.attach(url);
      const platforms = [...service.capabilities.platforms];
      logger.info({ url, platforms, plans: plans.plans.map((p) => p.id), billing: service.billing ? 'stripe' : 'off' }, `Signalcast listening on ${url}`);
      if (config.sandbox) {
        const consoleUrl = sandbox?.consoleUrl ?? null;
        const emulators = [sandbox?.telegram ? 'Telegram' : null, sandbox?.discord ? 'Discord' : null, sandbox?.slack ? 'Slack' : null, sandbox?.stripe ? 'Stripe' : null, sandbox?.openai ? 'OpenAI' : null].filter((e) => e !== null);
        const running = emulators.length > 1 ? `${emulators.slice(0, -1).join(', ')} and ${emulators.at(-1)} emulators run` : `${emulators[0] ?? 'no'} emulator runs`;
        logger.info({ telegram: sandbox?.telegram?.apiRoot ?? null, discord: sandbox?.discord?.emulator.apiUrl ?? null, slack: sandbox?.slack?.emulator.url ?? null, stripe: sandbox?.stripe?.url ?? null, openai: sandbox?.openai?.baseURL ?? null, testchat: config.testchat.url ?? null, console: consoleUrl },
          `sandbox mode: no platform token is set, so no real chat app is contacted (the ${running} on loopback)${consoleUrl ? `; act as a subscriber at ${consoleUrl}` : ''}; set TELEGRAM_BOT_TOKEN, DISCORD_BOT_TOKEN, SLACK_BOT_TOKEN or SLACK_CLIENT_ID to go live`);
      }
      warnAboutSettings(config, logger);
      if (platforms.length === 0) logger.warn('no chat platform is configured: deliveries are planned and wait until one is (TESTCHAT_URL)');
      await stopping;
    }
    const stopped = service;
    service = undefined;
    await stopped.stop();
    logger.info('stopped');
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await service?.stop().catch((err: unknown) => logger.error({ err }, 'stopping after a failed start'));
    await sandbox?.stop();
  }
}

const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Runs one command line (arguments after "main.ts") and returns its exit code. */
export function main(args: string[], io: CliIo = processIo): Promise<number> {
  const deps: CliDeps = {
    io,
    loadConfig: () => loadConfig(),
    openDatabase: (config, options) => openDatabase(config.databaseUrl, options),
    closeDatabase: (db) => db.$client.close(),
    // In sandbox mode, access and billing reach the running sandbox's emulators (data/sandbox.json).
    createContext: (config, db) => createCliContext(config, db, io),
    start: startService,
    plans: planLoadOptions(),
  };
  return runCli(args, deps);
}

const isEntryPoint = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntryPoint) {
  process.exit(await main(process.argv.slice(2)));
}
