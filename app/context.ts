// The CLI's stores on an open database, with access (when a platform with gated access is configured) and billing (when Stripe is).
import type { PublishMeta, SignalRef } from '../core/signals/ports';
import type { CliContext } from '../cli/program';
import { secretValues, type Config } from '../config';
import { systemClock, type Clock } from '../core/clock';
import { silentLogger, type Logger } from '../core/logger';
import { noopMetrics } from '../core/metrics';
import { createScrubber } from '../core/scrub';
import { loadPlans, type PlansConfig } from '../core/plans';
import type { Db } from '../db/client';
import { SqliteAccessJobStore } from '../db/stores/access-job-store';
import { SqliteAccountStore } from '../db/stores/account-store';
import { SqliteApiKeyStore } from '../db/stores/api-key-store';
import { SqliteAuditLog } from '../db/stores/audit-store';
import { SqliteDeliveryStore } from '../db/stores/delivery-store';
import { SqliteInstallationStore } from '../db/stores/installation-store';
import { SqliteReferralStore } from '../db/stores/referral-store';
import { SecretBox } from '../core/tenancy/secret-box';
import { SqliteSignalService } from '../db/stores/signal-service';
import { SqliteStripeEventStore } from '../db/stores/stripe-event-store';
import { SqliteTrackRecord } from '../db/stores/track-record-store';
import { SqliteWorkspaceDirectory } from '../db/stores/workspace-directory';
import { planLoadOptions } from './adapters/plan-catalog';
import { sandboxPlans } from './adapters/demo-channel';
import { createAccess, createAccessQueue, type AccessQueue, type AccessWiring } from './access';
import { buildAdapters } from './adapters/build';
import { ADAPTERS, type AdapterRow } from './adapters/table';
import { stripeBilling } from './billing';
import { loadAdapters } from './libraries';
import { createSnapshots, type Snapshots } from './snapshots';
import { scheduleAdmin } from './schedules';
import { resolveLimits } from '../core/delivery/default-limits';
import { ratesFrom } from '../core/publishing/estimates';
import type { DeliveryRates } from '../core/publishing/ports';

/**
 * The stores the CLI commands use. The plans file is read only by the commands that need it, and
 * nothing outside is contacted until a command calls it (access and billing are built lazily).
 */
export function createContext(config: Config, db: Db, clock: Clock = systemClock, logger: Logger = silentLogger, rows: readonly AdapterRow[] = ADAPTERS): CliContext {
  const audit = new SqliteAuditLog({ db, clock });
  let plans: PlansConfig | undefined;
  // In sandbox mode the built-in VIP plan gates the demo channel, as in the running sandbox.
  const getPlans = () => (plans ??= sandboxPlans(config, loadPlans(config.plansFile, { ...planLoadOptions(rows), logger })));
  let signals: SqliteSignalService | undefined;
  let snapshots: Snapshots | undefined;
  const getSnapshots = () => (snapshots ??= createSnapshots({ db, config, plans: getPlans(), clock, logger }));
  const { secretKey, apiBase, webhookSecret } = config.stripe;
  // Which configured platforms gate access: their rows say, without building anything.
  const configured = rows.filter((row) => row.settings(config) !== null);
  const gated = configured.filter((row) => row.gated).map((row) => row.name);
  // Jobs written here are carried out by the running service (it looks for new ones every 30 s).
  let queue: AccessQueue | undefined;
  // The publish's estimates: the configured platforms' limits as the service's dispatcher has them (building an adapter contacts nothing).
  let rates: DeliveryRates | undefined;
  const getRates = (): DeliveryRates => {
    const adapters = buildAdapters(configured, config, { logger, clock, access: { store: getQueue().store, notices: getQueue().notices }, installations: new SqliteInstallationStore({ db, clock, secrets: new SecretBox(config.secretsKey) }), publicUrl: config.publicUrl });
    return ratesFrom(new Map([...adapters].map(([name, a]) => [name, resolveLimits(a.sender.defaultLimits, config.rateOverrides[name])])));
  };
  const getQueue = () => (queue ??= createAccessQueue({ db, plans: getPlans(), clock, platforms: gated }));
  let access: AccessWiring | undefined;
  const getAccess = () => {
    if (access) return access;
    const q = getQueue();
    const installations = new SqliteInstallationStore({ db, clock, secrets: new SecretBox(config.secretsKey) });
    const adapters = buildAdapters(configured, config, { logger, clock, access: { store: q.store, notices: q.notices }, installations, publicUrl: config.publicUrl });
    const gates = [...adapters.values()].flatMap((a) => (a.gate ? [a.gate] : []));
    const directPlatforms = [...adapters.values()].filter((a) => a.capabilities.directMessages).map((a) => a.name);
    return (access = createAccess({ queue: q, gates, directPlatforms, plans: getPlans(), clock, audit, logger }));
  };
  return {
    clock,
    audit,
    apiKeys: new SqliteApiKeyStore({ db, clock }),
    get signals() {
      // The rest of a large publish is planned by the running service (its planning runner finds the job).
      const service = (signals ??= new SqliteSignalService({
        db, clock, plans: getPlans(), bands: config.bands, rationales: config.rationales.enabled, chunkSize: config.planningChunkSize,
        rates: { perSecond: (platform) => (rates ??= getRates()).perSecond(platform) },
      }));
      // A publish's estimates read the configured platforms' limits from their adapters: their modules are imported first.
      return {
        publish: async (input: unknown, meta: PublishMeta) => (await loadAdapters(configured, config), service.publish(input, meta)),
        addUpdate: (signal: SignalRef, input: unknown, meta?: PublishMeta) => service.addUpdate(signal, input, meta),
      };
    },
    deliveries: new SqliteDeliveryStore({ db, clock, audit }),
    // Planned here, sent by the running service (its dispatcher finds due rows on its own).
    get snapshots() {
      return getSnapshots();
    },
    platforms: rows.map((row) => row.name),
    workspaces: new SqliteWorkspaceDirectory({ db, plans: getPlans, clock }),
    trackRecord: new SqliteTrackRecord({ db }),
    // The configured platforms' adapters (and SDKs) are imported by the first command that reconciles.
    access: gated.length > 0
      ? { reconcile: async (options) => (await loadAdapters(configured, config), getAccess().reconciler.reconcile({ actor: 'cli', ...options })) }
      : null,
    accessJobs: gated.length > 0 ? new SqliteAccessJobStore({ db }) : null,
    /** The jobs the service registers with these settings; built when a command asks, with this context's access and billing. */
    get schedules() {
      const ctx = this as CliContext;
      return scheduleAdmin(() => ({
        db, clock, logger, metrics: noopMetrics, timeZone: config.operatorTimeZone, settings: config.schedules, accessEveryMinutes: config.accessReconcileEveryMinutes,
        billing: ctx.billing ? (options) => ctx.billing!.reconcile(options) : undefined,
        access: ctx.access ?? undefined,
        outbox: getQueue().outbox,
        operatorIds: Object.fromEntries(configured.map((row) => [row.name, (row.settings(config) as { operatorIds?: readonly string[] } | null)?.operatorIds ?? []])),
        plans: getPlans(),
        snapshot: getSnapshots().job ?? undefined,
        scrub: createScrubber(secretValues(config)),
      }), config.operatorTimeZone);
    },
    billing: secretKey
      ? {
          // billing/ and the stripe package are imported here, by the one command that needs them.
          reconcile: async (options) => {
            const { createBillingService, createStripeClient } = await stripeBilling.load();
            return createBillingService({
              stripe: createStripeClient({ secretKey, apiBase }),
              webhookSecret,
              accounts: new SqliteAccountStore({ db, clock }),
              events: new SqliteStripeEventStore({ db, clock }),
              referrals: new SqliteReferralStore({ db, clock }),
              audit,
              plans: getPlans(),
              clock,
              logger,
              publicUrl: config.publicUrl ?? `http://127.0.0.1:${config.port}`,
              // A repaired subscription moves access too, as the webhook would have: its access job commits with it.
              writer: getQueue().writer,
              followUp: getQueue().followUp,
            }).reconcile(options);
          },
        }
      : undefined,
  };
}
