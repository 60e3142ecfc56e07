// Composes the running service from its settings: stores, platforms, dispatcher, HTTP, the Telegram bot, billing, access and schedules.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { BillingService } from '../billing';
import { registerTelegramWebhook, TelegramStartError, toTelegramFailure, type TelegramBot } from '../bots/telegram';
import type { EventHandler } from '../core/inbound/types';
import type { Config } from '../config';
import { systemClock, type Clock } from '../core/clock';
import { currentCapabilities, type Capabilities } from '../core/capabilities';
import { SignalcastError } from '../core/errors';
import { Dispatcher } from '../core/delivery/dispatcher';
import { createRetryPolicy } from '../core/delivery/retry-policy';
import type { Logger } from '../core/logger';
import { loadPlans, type PlansConfig } from '../core/plans';
import { startCheckpointer, type Checkpointer } from '../db/checkpointer';
import { openDatabase, toSqlitePath, type Db } from '../db/client';
import { SqliteAccountStore } from '../db/stores/account-store';
import { SqliteApiKeyStore } from '../db/stores/api-key-store';
import { SqliteAuditLog } from '../db/stores/audit-store';
import { SqliteContentResolver } from '../db/stores/delivery-content';
import { SqliteDeliveryStore } from '../db/stores/delivery-store';
import { SqliteReferralStore } from '../db/stores/referral-store';
import { SqliteSignalService } from '../db/stores/signal-service';
import { SqliteStripeEventStore } from '../db/stores/stripe-event-store';
import type { Cron, Schedules } from '../schedules';
import { PromMetrics } from '../server/metrics';
import { createReadiness, databaseCheck } from '../server/readiness';
import { buildServer } from '../server/server';
import { createAccess, type AccessWiring, type AccessWiringDeps } from './access';
import { createBilling, unconfiguredBilling } from './billing';
import { ensurePlanChannels } from './channels';
import { createCommandDeps, routeEvents } from './commands';
import { createPlatformStarter, type PlatformStarter } from './platform-starter';
import { createSendingPlatforms, createTelegram } from './platforms';
import { withDeadline } from './deadline';
import { startSchedules } from './schedules';

export interface ServiceOptions {
  config: Config;
  logger: Logger;
  /** The system clock unless a test gives a FakeClock. */
  clock?: Clock | undefined;
  /** An open database (tests: openMemoryDatabase()); else DATABASE_URL is opened, and closed at stop. */
  db?: Db | undefined;
  /** The plans; else PLANS_FILE (or the built-in plans). */
  plans?: PlansConfig | undefined;
  /** node-cron unless a test gives its own. */
  cron?: Cron | undefined;
  /** The access job runner's deadline and backoff (see AccessJobRunnerOptions); defaults otherwise. */
  accessJobs?: AccessWiringDeps['jobs'];
}

/** The running service's parts, for main and for tests that drive it. */
export interface Service {
  readonly app: FastifyInstance;
  readonly db: Db;
  readonly plans: PlansConfig;
  readonly dispatcher: Dispatcher;
  readonly telegram: TelegramBot | null;
  readonly billing: BillingService | null;
  readonly access: AccessWiring | null;
  /** What this service delivers (and so what the plans tell subscribers they get). */
  readonly capabilities: Capabilities;
  /** The server's own URL (loopback when listening on every interface), once started. */
  readonly url: string | undefined;
  /** Starts sending, listens, starts the bot (after listening: a webhook needs the route) and the schedules; returns the URL. */
  start(): Promise<string>;
  /** Readiness 503, schedules off, the bot stops receiving, HTTP closes, sends in flight finish, the database closes (when opened here). */
  stop(): Promise<void>;
}

/** A listen failure in words: "port 8080 is in use". */
function toListenError(err: unknown, config: Config): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE') return new SignalcastError('internal', `port ${config.port} is in use on ${config.host}: stop the other program or set PORT`, { cause: err });
  if (code === 'EACCES') return new SignalcastError('internal', `port ${config.port} on ${config.host} needs privileges this user lacks: set PORT above 1023`, { cause: err });
  if (code === 'EADDRNOTAVAIL') return new SignalcastError('config_invalid', `HOST: ${config.host} is not an address of this machine`, { cause: err });
  return err;
}

/** How often the planner's in-memory candidates take in changes between publishes. */
const CANDIDATE_REFRESH_MS = 2_000;

/** Builds every part; nothing is contacted and nothing listens until `start()`. */
export function createService(options: ServiceOptions): Service {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const plans = options.plans ?? loadPlans(config.plansFile);
  const ownsDb = !options.db;
  const db = options.db ?? openDatabase(config.databaseUrl);
  try {
    return compose({ ...options, clock, plans, db }, ownsDb);
  } catch (err) {
    if (ownsDb) db.$client.close();
    throw err;
  }
}

function compose(options: ServiceOptions & { clock: Clock; plans: PlansConfig; db: Db }, ownsDb: boolean): Service {
  const { config, logger, clock, plans, db } = options;
  const audit = new SqliteAuditLog({ db, clock });
  const accounts = new SqliteAccountStore({ db, clock });
  const deliveries = new SqliteDeliveryStore({ db, clock, audit });
  const metrics = new PromMetrics({ queueDepth: () => deliveries.countByPlatformAndState() });
  const signals = new SqliteSignalService({
    db, clock, plans, bands: config.bands, logger: logger.child({ component: 'signals' }), metrics, maxCachedCandidates: config.planningCacheSize,
  });

  // The bot needs its event handler now; the handler needs billing and access, which need the bot's Api.
  let onEvent: EventHandler = async () => [];
  const telegram = createTelegram(config, { logger, onEvent: (event) => onEvent(event) });
  const platforms = createSendingPlatforms(config);
  if (telegram) platforms.set('telegram', telegram.platform);

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
  // Telegram starts in the background when it cannot be reached at first: /readyz names it until it works.
  const telegramStarter: PlatformStarter | null = telegram ? createPlatformStarter({
    name: 'telegram',
    attempt: (signal) => telegram.start(signal),
    classify: (err) => {
      const failure = err instanceof TelegramStartError ? err.failure : toTelegramFailure(err);
      return { permanent: failure.tokenRefused, cause: failure.cause };
    },
    logger: logger.child({ component: 'telegram' }),
  }) : null;
  const telegramCheck = () => {
    const status = telegramStarter?.status() ?? 'ok';
    return status === 'ok' && telegram?.receiveFailure ? telegram.receiveFailure : status;
  };
  const readiness = createReadiness({ database: databaseCheck(db), ...(telegramStarter ? { telegram: telegramCheck } : {}) });
  const app = buildServer({
    signals,
    apiKeys: new SqliteApiKeyStore({ db, clock }),
    auth: { signingSecret: config.ingest.signingSecret },
    rateLimit: { perMinute: config.ingest.ratePerMinute },
    clock,
    metrics,
    logger: logger.child({ component: 'http' }),
    readiness,
    metricsToken: config.metricsToken,
    onPublished: () => dispatcher.poke(),
    http: config.http,
    consolePort: config.sandbox ? config.consolePort : undefined,
  });

  const access = telegram
    ? createAccess({ db, api: telegram.api, plans, clock, audit, logger, inviteMode: config.telegram.inviteMode, pokeDispatcher: () => dispatcher.poke(), jobs: { stopTimeoutMs: Math.min(2_000, config.delivery.shutdownTimeoutMs / 3), ...options.accessJobs } })
    : null;
  let url: string | undefined;
  const billing = createBilling(config.stripe, {
    accounts,
    events: new SqliteStripeEventStore({ db, clock }),
    referrals: new SqliteReferralStore({ db, clock }),
    audit,
    plans,
    clock,
    logger: logger.child({ component: 'billing' }),
    publicUrl: config.publicUrl ?? (() => url ?? `http://127.0.0.1:${config.port}`),
    // The subscription change, its access job and its welcome or lapse message commit in one transaction.
    writer: access?.writer,
    followUp: access?.followUp,
    notify: async (accountId, text) => {
      if (!access || !(await access.notify(accountId, text))) logger.warn({ accountId }, 'a billing notice could not be sent: the account has no chat that takes it');
    },
  });
  if (billing) billing.registerRoutes(app);
  if (telegram?.webhook) registerTelegramWebhook(app, telegram, telegram.webhook.secret);

  // What the plans may promise: the platforms running here, payments if Stripe is set (see core/capabilities.ts).
  const capabilities = currentCapabilities([...platforms.keys()], billing !== null);
  const commands = createCommandDeps({
    db,
    accounts,
    billing: billing?.billing ?? unconfiguredBilling,
    plans,
    capabilities,
    signals,
    audit,
    clock,
    logger,
    operatorIds: { telegram: config.telegram.operatorIds },
    deepLinks: telegram ? { telegram: (payload) => telegram.deepLink(payload) ?? '' } : undefined,
    onEntitlementChanged: access?.onEntitlementChanged,
    newInviteLinks: access?.newInviteLinks,
    onPublished: () => dispatcher.poke(),
  });
  onEvent = routeEvents(commands, access?.onAccessEvent);

  let schedules: Schedules | null = null;
  let started = false;
  let stopping = false;
  let keepWarm: NodeJS.Timeout | undefined;
  let checkpointer: Checkpointer | undefined;

  return {
    app, db, plans, dispatcher, telegram, billing, access, capabilities,
    get url() {
      return url;
    },
    async start() {
      if (telegram) await ensurePlanChannels({ accounts, plans, logger });
      // The service's own database file is checkpointed from a worker thread, off the publish path.
      const path = toSqlitePath(config.databaseUrl);
      if (ownsDb && path !== ':memory:') checkpointer = startCheckpointer({ path, connection: db.$client, logger: logger.child({ component: 'checkpoint' }) });
      // Read the candidates before the first publish, and keep patching them between publishes.
      signals.refreshCandidates();
      keepWarm = setInterval(() => {
        try {
          signals.refreshCandidates();
        } catch (err) {
          logger.warn({ err }, 'could not refresh the planning candidates; the next publish reads them');
        }
      }, CANDIDATE_REFRESH_MS).unref();
      await dispatcher.start();
      access?.runner.start();
      started = true;
      const listened = await app.listen({ port: config.port, host: config.host }).catch((err: unknown) => {
        throw toListenError(err, config);
      });
      // Listening on every interface: the loopback address is the one the emulators may call.
      url = config.host === '0.0.0.0' || config.host === '::' ? `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` : listened;
      // A refused token fails the start (it cannot fix itself); an unreachable Telegram is retried in the background.
      await telegramStarter?.start();
      // A stop that came during the first attempt at Telegram: start nothing more.
      if (stopping) return url;
      schedules = startSchedules({
        billing: billing ? (o) => billing.reconcile(o) : undefined,
        access: access?.reconciler,
        timeZone: config.operatorTimeZone,
        logger,
        cron: options.cron,
      });
      return url;
    },
    async stop() {
      // Every step waits at most what is left of SHUTDOWN_TIMEOUT_MS, whatever the outside services do.
      const deadline = Date.now() + config.delivery.shutdownTimeoutMs;
      const step = (what: string, work: () => Promise<unknown> | undefined) =>
        withDeadline(
          Promise.resolve().then(work).catch((err: unknown) => logger.error({ err, step: what }, `stopping: ${what} failed; carrying on`)),
          deadline,
          () => logger.warn({ step: what }, `stopping: gave up waiting for ${what} (SHUTDOWN_TIMEOUT_MS)`),
        );
      try {
        stopping = true;
        readiness.markShuttingDown();
        clearInterval(keepWarm);
        await step('the schedules', () => schedules?.stop());
        await step('the Telegram start under way', () => telegramStarter?.stop());
        await step('the Telegram bot', () => telegram?.stop());
        await step('the HTTP server', () => app.close());
        await step('the access jobs', () => access?.runner.stop());
        if (started) await step('the sends in flight', () => dispatcher.stop());
      } finally {
        await checkpointer?.stop({ timeoutMs: Math.max(1_000, deadline - Date.now()) });
        if (ownsDb) db.$client.close();
      }
    },
  };
}
