// The CLI's stores on an open database, with access (when Telegram is configured) and billing (when Stripe is).
import { Api } from 'grammy';
import { createBillingService, createStripeClient } from '../billing';
import type { CliContext } from '../cli/program';
import type { Config } from '../config';
import { systemClock, type Clock } from '../core/clock';
import { silentLogger, type Logger } from '../core/logger';
import { loadPlans, type PlansConfig } from '../core/plans';
import type { Db } from '../db/client';
import { SqliteAccessJobStore } from '../db/stores/access-job-store';
import { SqliteAccountStore } from '../db/stores/account-store';
import { SqliteApiKeyStore } from '../db/stores/api-key-store';
import { SqliteAuditLog } from '../db/stores/audit-store';
import { SqliteDeliveryStore } from '../db/stores/delivery-store';
import { SqliteReferralStore } from '../db/stores/referral-store';
import { SqliteSignalService } from '../db/stores/signal-service';
import { SqliteStripeEventStore } from '../db/stores/stripe-event-store';
import { createAccess, createAccessQueue, type AccessQueue, type AccessWiring } from './access';

/**
 * The stores the CLI commands use. The plans file is read only by the commands that need it, and
 * nothing outside is contacted until a command calls it (access and billing are built lazily).
 */
export function createContext(config: Config, db: Db, clock: Clock = systemClock, logger: Logger = silentLogger): CliContext {
  const audit = new SqliteAuditLog({ db, clock });
  let plans: PlansConfig | undefined;
  const getPlans = () => (plans ??= loadPlans(config.plansFile));
  let signals: SqliteSignalService | undefined;
  const { token, apiRoot } = config.telegram;
  const { secretKey, apiBase, webhookSecret } = config.stripe;
  let access: AccessWiring | undefined;
  const getAccess = (api: Api) => (access ??= createAccess({ db, api, plans: getPlans(), clock, audit, logger, inviteMode: config.telegram.inviteMode }));
  // Jobs written here are carried out by the running service (it looks for new ones every 30 s).
  let queue: AccessQueue | undefined;
  const getQueue = () => (queue ??= createAccessQueue({ db, plans: getPlans(), clock, platforms: token ? ['telegram'] : [] }));
  return {
    clock,
    audit,
    apiKeys: new SqliteApiKeyStore({ db, clock }),
    get signals() {
      return (signals ??= new SqliteSignalService({ db, clock, plans: getPlans(), bands: config.bands }));
    },
    deliveries: new SqliteDeliveryStore({ db, clock, audit }),
    access: token
      ? { reconcile: (options) => getAccess(new Api(token, apiRoot ? { apiRoot } : {})).reconciler.reconcile({ actor: 'cli', ...options }) }
      : null,
    accessJobs: token ? new SqliteAccessJobStore({ db }) : null,
    billing: secretKey
      ? {
          reconcile: (options) => createBillingService({
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
            followUp: token ? getQueue().followUp : undefined,
          }).reconcile(options),
        }
      : undefined,
  };
}
