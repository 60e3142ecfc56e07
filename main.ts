// The only wiring: settings, logger, database, plans, stores, platforms, dispatcher and HTTP server, behind the CLI.
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { createTestchatPlatform } from './bots/testchat';
import { runCli, type CliContext, type CliDeps } from './cli/program';
import type { CliIo } from './cli/io';
import { loadConfig, type Config } from './config';
import { systemClock, type Clock } from './core/clock';
import type { ChatPlatform } from './core/delivery/chat-platform';
import { Dispatcher } from './core/delivery/dispatcher';
import { createRetryPolicy } from './core/delivery/retry-policy';
import type { Logger } from './core/logger';
import { loadPlans } from './core/plans';
import type { PlatformName } from './core/types';
import { openDatabase, type Db } from './db/client';
import { SqliteApiKeyStore } from './db/stores/api-key-store';
import { SqliteAuditLog } from './db/stores/audit-store';
import { SqliteContentResolver } from './db/stores/delivery-content';
import { SqliteDeliveryStore } from './db/stores/delivery-store';
import { SqliteSignalStore } from './db/stores/signal-store';
import { createLogger, secretValues } from './logging';
import { PromMetrics } from './server/metrics';
import { createReadiness, databaseCheck } from './server/readiness';
import { buildServer } from './server/server';

/** The chat platforms these settings configure. Telegram, Discord, Slack and WhatsApp arrive with later issues. */
function createPlatforms(config: Config): Map<PlatformName, ChatPlatform> {
  const platforms = new Map<PlatformName, ChatPlatform>();
  if (config.testchat.url) {
    platforms.set('testchat', createTestchatPlatform({ url: config.testchat.url, token: config.testchat.token ?? '' }));
  }
  return platforms;
}

/** The stores the CLI commands use. The plans file is read only by the commands that plan (signal publish). */
function createContext(config: Config, db: Db, clock: Clock = systemClock): CliContext {
  const audit = new SqliteAuditLog({ db, clock });
  let signals: SqliteSignalStore | undefined;
  return {
    clock,
    audit,
    apiKeys: new SqliteApiKeyStore({ db, clock }),
    get signals() {
      return (signals ??= new SqliteSignalStore({ db, clock, plans: loadPlans(config.plansFile), bands: config.bands }));
    },
    deliveries: new SqliteDeliveryStore({ db, clock, audit }),
  };
}

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

/**
 * Runs the service until SIGTERM or SIGINT. Then: /readyz answers 503, the HTTP
 * server stops taking requests and finishes those under way, the dispatcher
 * finishes its sends in flight and writes their results, and the database closes.
 */
export async function startService(config: Config): Promise<void> {
  const clock = systemClock;
  const logger = createLogger({ level: config.log.level, format: config.log.format, secrets: secretValues(config) });
  const plans = loadPlans(config.plansFile);
  const platforms = createPlatforms(config);
  const db = openDatabase(config.databaseUrl);
  try {
    const audit = new SqliteAuditLog({ db, clock });
    const deliveries = new SqliteDeliveryStore({ db, clock, audit });
    const metrics = new PromMetrics({ queueDepth: () => deliveries.countByPlatformAndState() });
    const signals = new SqliteSignalStore({ db, clock, plans, bands: config.bands, logger: logger.child({ component: 'signals' }), metrics });
    const dispatcher = new Dispatcher({
      store: deliveries,
      platforms,
      content: new SqliteContentResolver({ db }),
      clock,
      logger: logger.child({ component: 'dispatcher' }),
      metrics,
      retryPolicy: createRetryPolicy({ maxAttempts: config.delivery.maxAttempts }),
      concurrency: config.delivery.concurrency,
      limits: config.rateOverrides,
      shutdownTimeoutMs: config.delivery.shutdownTimeoutMs,
    });
    const readiness = createReadiness({ database: databaseCheck(db) });
    const app = buildServer({
      signals,
      apiKeys: new SqliteApiKeyStore({ db, clock }),
      auth: { signingSecret: config.ingest.signingSecret },
      rateLimit: { perMinute: config.ingest.ratePerMinute },
      clock,
      metrics,
      logger: logger.child({ component: 'http' }),
      readiness,
      onPublished: () => dispatcher.poke(),
    });

    // A failure outside every route, job and send: log it and keep serving (see STYLE.md, error boundaries).
    const onUnhandled = (err: unknown) => logger.error({ err }, 'unhandled rejection');
    process.on('unhandledRejection', onUnhandled);
    const stopping = shutdownSignal(logger);

    await dispatcher.start();
    const url = await app.listen({ port: config.port, host: config.host });
    logger.info({ url, platforms: [...platforms.keys()], plans: plans.plans.map((p) => p.id) }, `Signalcast listening on ${url}`);
    if (config.sandbox) {
      logger.info({ testchat: config.testchat.url ?? null },
        'sandbox mode: no platform tokens are set, so no real chat app is contacted; set TELEGRAM_BOT_TOKEN, DISCORD_BOT_TOKEN or SLACK_BOT_TOKEN to go live');
    }
    if (platforms.size === 0) logger.warn('no chat platform is configured: deliveries are planned and wait until one is (TESTCHAT_URL)');

    await stopping;
    readiness.markShuttingDown();
    await app.close();
    await dispatcher.stop();
    process.off('unhandledRejection', onUnhandled);
    logger.info('stopped');
  } finally {
    db.$client.close();
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
    createContext: (config, db) => createContext(config, db),
    start: startService,
  };
  return runCli(args, deps);
}

const isEntryPoint = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntryPoint) {
  process.exit(await main(process.argv.slice(2)));
}
