// Composes the running service from its settings: stores, the platform adapters (from the adapter table), dispatcher, HTTP, billing, access and schedules.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { BillingService } from '../billing';
import type { EventHandler } from '../core/inbound/types';
import { secretValues, type Config } from '../config';
import { systemClock, type Clock } from '../core/clock';
import { currentCapabilities, type Capabilities } from '../core/capabilities';
import { SignalcastError } from '../core/errors';
import { createScrubber } from '../core/scrub';
import { Dispatcher } from '../core/delivery/dispatcher';
import { createRetryPolicy } from '../core/delivery/retry-policy';
import { limitGate } from '../core/access/limited-gate';
import type { Logger } from '../core/logger';
import type { PlatformName } from '../core/types';
import { accessNotGiven, loadPlans, type PlansConfig } from '../core/plans';
import { openDatabase, type Db } from '../db/client';
import { startDatabaseUpkeep, type DatabaseUpkeep } from './database-upkeep';
import { SqliteAccountStore } from '../db/stores/account-store';
import { SqliteApiKeyStore } from '../db/stores/api-key-store';
import { SqliteAuditLog } from '../db/stores/audit-store';
import { SqliteContentResolver } from '../db/stores/delivery-content';
import { SqliteDeliveryStore } from '../db/stores/delivery-store';
import { SqliteInstallationStore } from '../db/stores/installation-store';
import { SqliteReferralStore } from '../db/stores/referral-store';
import { SecretBox } from '../core/tenancy/secret-box';
import { SqliteSignalService } from '../db/stores/signal-service';
import { SqliteStripeEventStore } from '../db/stores/stripe-event-store';
import { SqliteTrackRecord } from '../db/stores/track-record-store';
import type { Cron, Schedules } from '../schedules';
import { oldestAlertAges, PromMetrics } from '../server/metrics';
import { createReadiness, databaseCheck } from '../server/readiness';
import { fastifyRegistrar } from '../server/adapter-routes';
import { buildServer } from '../server/server';
import { createAccess, createAccessQueue, type AccessWiring, type AccessWiringDeps } from './access';
import { createBilling, unconfiguredBilling } from './billing';
import { planLoadOptions } from './adapters/plan-catalog';
import { ensurePlanChannels } from './channels';
import { createCommandDeps, routeEvents } from './commands';
import { ADAPTERS, type AdapterRow } from './adapters/table';
import { buildAdapters, startersFor, type RunningAdapters } from './adapters/build';
import { withDeadline } from './deadline';
import { startSchedules } from './schedules';
import { createRationales } from './rationale';
import type { RationaleService } from '../core/rationale/service';
import type { PublishOutcome } from '../core/signals/ports';
import { resolveLimits } from '../core/delivery/default-limits';
import { ratesFrom } from '../core/publishing/estimates';
import type { DeliveryRates } from '../core/publishing/ports';
import type { PlannedChunk } from '../core/publishing/planning-runner';
import { createSnapshots, type Snapshots } from './snapshots';
import { loadLibraries } from './libraries';

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
  /** The adapter table; ADAPTERS (app/adapters/table.ts) unless a test adds a platform of its own. */
  adapters?: readonly AdapterRow[] | undefined;
}

/** The running service's parts, for main and for tests that drive it. */
export interface Service {
  readonly app: FastifyInstance;
  readonly db: Db;
  readonly plans: PlansConfig;
  readonly dispatcher: Dispatcher;
  /** The configured platforms' adapters, by name. */
  readonly adapters: RunningAdapters;
  readonly billing: BillingService | null;
  readonly access: AccessWiring | null;
  /** The rationale writer; null when RATIONALES=off. */
  readonly rationales: RationaleService | null;
  /** What this service delivers (and so what the plans tell subscribers they get). */
  readonly capabilities: Capabilities;
  /** The daily snapshot: run it by hand (tests, tools); its job is scheduled when SNAPSHOT_TIME is set. */
  readonly snapshots: Snapshots;
  /** The server's own URL (loopback when listening on every interface), once started. */
  readonly url: string | undefined;
  /** Starts sending, listens, starts the adapters (after listening: a webhook needs the route) and the schedules; returns the URL. */
  start(): Promise<string>;
  /** Readiness 503, schedules off, the adapters stop receiving, HTTP closes, sends in flight finish, the database closes (when opened here). */
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

/** The metrics scrape reads at most this many due rows per priority for the oldest pending alert. */
const OLDEST_ALERT_SCAN = 1_000;

/**
 * Imports the libraries these settings need (the configured platforms' SDKs, stripe, openai; app/libraries.ts), then builds
 * the service as `createService` does. main.ts starts it this way: nothing a setting does not call for is ever loaded.
 */
export async function prepareService(options: ServiceOptions): Promise<Service> {
  await loadLibraries(options.config, options.adapters ?? ADAPTERS);
  return createService(options);
}

/**
 * Builds every part; nothing is contacted and nothing listens until `start()`. The libraries the settings call for must be
 * loaded first (`prepareService` does it; else a configured platform's adapter throws internal, naming what is not loaded).
 */
export function createService(options: ServiceOptions): Service {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const plans = options.plans ?? loadPlans(config.plansFile, { ...planLoadOptions(options.adapters ?? ADAPTERS), logger: options.logger });
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
  // Started with the service on its own database file (a worker thread): a scrape never stalls it.
  let upkeep: DatabaseUpkeep | undefined;
  const metrics = new PromMetrics({
    queueDepth: () => upkeep?.queueDepth() ?? deliveries.countByPlatformAndState(),
    oldestPendingAlert: () => {
      const now = clock.now();
      return oldestAlertAges(deliveries.oldestPendingAlerts(now, OLDEST_ALERT_SCAN), [...platforms.keys()], now);
    },
  });
  // Both known once the adapters and the dispatcher are built (below).
  let rates: DeliveryRates = { perSecond: () => undefined };
  let onPlannedChunk = (_chunk: PlannedChunk) => {};
  const signals = new SqliteSignalService({
    db, clock, plans, bands: config.bands, logger: logger.child({ component: 'signals' }), metrics, maxCachedCandidates: config.planningCacheSize,
    // A large (re)build of the kept candidates reads a page, then lets sends and publishes run.
    candidateBuild: { yieldNow: () => new Promise((resolve) => setImmediate(resolve)) },
    rationales: config.rationales.enabled, chunkSize: config.planningChunkSize,
    rates: { perSecond: (platform) => rates.perSecond(platform) }, onPlannedChunk: (chunk) => onPlannedChunk(chunk),
  });

  // The gates' notices and memberships live in the access queue; which platforms it covers is known once the adapters are built.
  const gated: PlatformName[] = [];
  let access: AccessWiring | null = null;
  // Set once the dispatcher exists (a notice can only be queued after start).
  let pokeDispatcher = () => {};
  const queue = createAccessQueue({
    db, plans, clock, platforms: gated,
    poke: () => {
      access?.runner.poke();
      pokeDispatcher();
    },
    pokeDispatcher: () => pokeDispatcher(),
    directMessages: (platform) => adapters.get(platform)?.capabilities.directMessages ?? false,
  });
  const rows = options.adapters ?? ADAPTERS;
  const installations = new SqliteInstallationStore({ db, clock, secrets: new SecretBox(config.secretsKey), audit });
  const adapters = buildAdapters(rows, config, {
    logger, clock, access: { store: queue.store, notices: queue.notices }, installations, publicUrl: config.publicUrl, plans,
  });
  const platforms = new Map([...adapters].map(([name, adapter]) => [name, adapter.sender]));
  rates = ratesFrom(new Map([...platforms].map(([name, p]) => [name, resolveLimits(p.defaultLimits, config.rateOverrides[name])])));
  const gates = [...adapters.values()].flatMap((a) => (a.gate ? [a.gate] : []));
  gated.push(...gates.map((g) => g.platform));

  const dispatcher = new Dispatcher({
    store: deliveries,
    platforms,
    content: new SqliteContentResolver({ db, disclaimer: config.disclaimer }),
    clock,
    logger: logger.child({ component: 'dispatcher' }),
    metrics,
    retryPolicy: createRetryPolicy({ maxAttempts: config.delivery.maxAttempts }),
    concurrency: config.delivery.concurrency,
    limits: config.rateOverrides,
    shutdownTimeoutMs: config.delivery.shutdownTimeoutMs,
  });
  pokeDispatcher = () => dispatcher.poke();
  // The rationale is written after the 202, in the background; its deliveries wait for it, not the alerts.
  const rationales: RationaleService | null = createRationales({ config, db, clock, logger, metrics, onReleased: () => dispatcher.poke() });
  onPlannedChunk = (chunk) => {
    dispatcher.poke();
    if (chunk.rationales) rationales?.published(chunk.signalId);
  };
  const onPublished = (outcome: PublishOutcome) => {
    dispatcher.poke();
    if (outcome.planning === 'in_progress') signals.planning.wake();
    if (!outcome.duplicate) rationales?.published(outcome.signal.id);
  };
  // The bots need their event handler at start; the handler needs billing and access, built below.
  let onEvent: EventHandler = async () => [];
  // Each adapter starts in the background when it cannot be reached at first: /readyz names it until it works.
  const starters = startersFor(adapters, (event) => onEvent(event), logger);
  const readiness = createReadiness({ database: databaseCheck(db), ...starters.checks });
  // One reader of the track record: GET /v1/track-record and /track.
  const trackRecord = new SqliteTrackRecord({ db });
  const app = buildServer({
    signals,
    trackRecord,
    apiKeys: new SqliteApiKeyStore({ db, clock }),
    auth: { signingSecret: config.ingest.signingSecret },
    rateLimit: { perMinute: config.ingest.ratePerMinute },
    clock,
    metrics,
    logger: logger.child({ component: 'http' }),
    readiness,
    metricsToken: config.metricsToken,
    onPublished,
    onUpdated: () => dispatcher.poke(),
    http: config.http,
    consolePort: config.sandbox ? config.consolePort : undefined,
  });

  const directPlatforms = [...adapters.values()].filter((a) => a.capabilities.directMessages).map((a) => a.name);
  // Access changes take their slots from the same per-platform limiter as the deliveries.
  const limitedGates = gates.map((gate) => {
    const limiter = dispatcher.limiterFor(gate.platform);
    return limiter ? limitGate(gate, { limiter, clock, onSlotFreed: () => dispatcher.poke() }) : gate;
  });
  const operatorIds = Object.fromEntries([...adapters].map(([name, a]) => [name, a.operatorIds]));
  access = gates.length > 0
    ? createAccess({ queue, gates: limitedGates, directPlatforms, plans, clock, audit, logger, operatorIds, jobs: { stopTimeoutMs: Math.min(2_000, config.delivery.shutdownTimeoutMs / 3), ...options.accessJobs } })
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
    // Without a gate, a workspace licence's welcome and lapse are still told (no access job then).
    writer: access?.writer ?? queue.writer,
    followUp: access?.followUp ?? queue.followUp,
    notify: async (accountId, text) => {
      if (!access || !(await access.notify(accountId, text))) logger.warn({ accountId }, 'a billing notice could not be sent: the account has no chat that takes it');
    },
  });
  if (billing) billing.registerRoutes(app);
  const registrar = fastifyRegistrar(app);
  for (const adapter of adapters.values()) adapter.routes?.(registrar);

  // What the plans may promise: the platforms running here, payments if Stripe is set (see core/capabilities.ts).
  // Each running adapter's declared access kinds decide which gated places may be promised.
  const capabilities = currentCapabilities([...adapters.values()], billing !== null, { rationale: config.rationales.enabled, snapshot: config.schedules.snapshotAt !== null });
  const snapshots = createSnapshots({ db, config, plans, clock, logger, poke: () => dispatcher.poke() });
  for (const line of accessNotGiven(plans, capabilities)) logger.warn(`${line}: not offered or granted until it is`);
  const commands = createCommandDeps({
    track: trackRecord,
    db,
    accounts,
    billing: billing?.billing ?? unconfiguredBilling,
    plans,
    capabilities,
    signals,
    audit,
    clock,
    logger,
    operatorIds,
    deepLinks: Object.fromEntries([...adapters].map(([name, a]) => [name, (payload: string) => a.deepLink(payload) ?? ''])),
    appLabels: Object.fromEntries(rows.map((row) => [row.name, row.label])),
    onEntitlementChanged: access?.onEntitlementChanged,
    newInviteLinks: access?.newInviteLinks,
    onPublished,
    workspaces: Object.fromEntries([...adapters].flatMap(([name, a]) => (a.workspace ? [[name, a.workspace] as const] : []))),
    installations,
  });
  onEvent = routeEvents(commands, access?.onAccessEvent);

  let schedules: Schedules | null = null;
  let started = false;
  let stopping = false;
  // Ends the start's full access reconcile at a stop: no further platform call starts.
  const startReconcile = new AbortController();
  let startReconciled: Promise<unknown> = Promise.resolve();

  return {
    app, db, plans, dispatcher, adapters, billing, access, capabilities, rationales, snapshots,
    get url() {
      return url;
    },
    async start() {
      await ensurePlanChannels({ accounts, plans, platforms: [...adapters.keys()], logger });
      // Checkpoints and the outbox's count on worker threads; the kept candidates built, then patched between publishes.
      upkeep = startDatabaseUpkeep({ db, databaseUrl: config.databaseUrl, ownsDb, signals, logger });
      await dispatcher.start();
      // After the dispatcher: the rationales a crash left unwritten are written, and released to it.
      rationales?.start();
      // After the dispatcher: the planning a crash or stop left is resumed from its cursor.
      signals.planning.start();
      access?.runner.start();
      started = true;
      const listened = await app.listen({ port: config.port, host: config.host }).catch((err: unknown) => {
        throw toListenError(err, config);
      });
      // Listening on every interface: the loopback address is the one the emulators may call.
      url = config.host === '0.0.0.0' || config.host === '::' ? `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` : listened;
      // A refused token fails the start (it cannot fix itself); an unreachable platform is retried in the background.
      await starters.start();
      // A stop that came during the first attempt at a platform: start nothing more.
      if (stopping) return url;
      schedules = startSchedules({
        db,
        clock,
        metrics,
        billing: billing ? (o) => billing.reconcile(o) : undefined,
        access: access?.reconciler,
        wakeParkedAccessJobs: access ? () => access?.runner.wakeParked() : undefined,
        accessEveryMinutes: config.accessReconcileEveryMinutes,
        timeZone: config.operatorTimeZone,
        settings: config.schedules,
        outbox: queue.outbox,
        poke: () => dispatcher.poke(),
        operatorIds,
        plans,
        scrub: createScrubber(secretValues(config)),
        logger,
        cron: options.cron,
        snapshot: snapshots.job ?? undefined,
      });
      // At start, one full access reconcile in the background (drift that arose while the service was
      // down: a payment missed, a role taken by hand); the schedule repeats it. Nothing waits for it.
      if (access) {
        startReconciled = access.reconciler.reconcile({ trigger: 'start', signal: startReconcile.signal })
          .catch((err: unknown) => logger.error({ err }, 'the access reconcile at start failed; the scheduled one repeats it'));
      }
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
        await step('the schedules', () => schedules?.stop());
        // Aborted: it starts nothing more; a platform call under way is given 2 s, as the access jobs are.
        startReconcile.abort();
        await withDeadline(startReconciled, Math.min(deadline, Date.now() + 2_000), () => logger.warn('stopping: the access reconcile at start is still waiting on a platform; not waiting for it'));
        await step('the platform starts under way', () => starters.stop());
        // Side by side, each bounded: a platform that hangs holds no other.
        await Promise.all([...adapters.values()].map((a) => step(`the ${a.label} bot`, () => a.stop())));
        await step('the HTTP server', () => app.close());
        await step('the access jobs', () => access?.runner.stop());
        // Model calls under way are abandoned: their signals stay wanted and are written at the next start.
        await step('the rationales being written', () => rationales?.stop());
        // The chunk in hand commits; the rest waits for the next start.
        await step('the planning under way', () => signals.planning.stop());
        if (started) await step('the sends in flight', () => dispatcher.stop());
      } finally {
        // A build of the candidates under way reads no further page (also one a publish began before start).
        signals.closeCandidates();
        await upkeep?.stop(Math.max(1_000, deadline - Date.now()));
        if (ownsDb) db.$client.close();
      }
    },
  };
}
