// Access for the running service: the stores, the adapters' gates, the reconciler, the job runner, the billing follow-up and the event handler.
import { AccessAlarms } from '../core/access/alarms';
import { createAccessEventHandler } from '../core/access/inbound';
import { AccessJobRunner, type AccessJobRunnerOptions } from '../core/access/job-runner';
import type { AccessJob, EnqueuedJob } from '../core/access/jobs';
import { outboxNoticeSink, type NoticeSink } from '../core/access/notices';
import type { AccessGate } from '../core/access/ports';
import { sendNewInviteLinks, type NewLinksReport } from '../core/access/new-links';
import { AccessReconciler } from '../core/access/reconciler';
import { createSubscriptionHook, type OnSubscriptionChanged } from '../core/access/subscription-hook';
import type { AuditLog } from '../core/audit';
import type { Clock } from '../core/clock';
import type { InboundEvent } from '../core/inbound/types';
import type { Logger } from '../core/logger';
import type { PlansConfig } from '../core/plans';
import type { PlatformName } from '../core/types';
import type { Db } from '../db/client';
import { SqliteAccessJobStore } from '../db/stores/access-job-store';
import { SqliteAccessStore } from '../db/stores/access-store';
import { SqliteNoticeOutbox } from '../db/stores/notice-outbox';
import { SqliteSubscriptionWriter } from '../db/stores/subscription-writer';

/** The durable side of access, without any platform client: what billing writes in its transactions. */
export interface AccessQueue {
  store: SqliteAccessStore;
  jobs: SqliteAccessJobStore;
  outbox: SqliteNoticeOutbox;
  /** Billing's transactional writer and follow-up: the subscription change, its access job and its message commit together. */
  writer: SqliteSubscriptionWriter;
  followUp: OnSubscriptionChanged;
  /** Where gates' messages go: queued in the outbox, then the dispatcher is woken. */
  notices: NoticeSink;
}

/**
 * Builds the access job queue on the database for the gated `platforms`; `poke` wakes whoever
 * carries the jobs and notices out (nobody in the CLI).
 */
export function createAccessQueue(deps: {
  db: Db; plans: PlansConfig; clock: Clock; platforms: readonly PlatformName[];
  poke?: (() => void) | undefined; pokeDispatcher?: (() => void) | undefined;
  directMessages?: ((platform: PlatformName) => boolean) | undefined;
}): AccessQueue {
  const { db, plans, clock } = deps;
  const store = new SqliteAccessStore({ db, clock });
  const jobs = new SqliteAccessJobStore({ db });
  const outbox = new SqliteNoticeOutbox({ db, directMessages: deps.directMessages });
  const followUp = createSubscriptionHook({
    jobs, outbox, plans, clock, platforms: deps.platforms, poke: deps.poke, account: (accountId) => store.accessAccountNow(accountId),
  });
  const notices = outboxNoticeSink({ outbox, clock, poke: deps.pokeDispatcher });
  return { store, jobs, outbox, writer: new SqliteSubscriptionWriter({ db, clock }), followUp, notices };
}

export interface AccessWiringDeps {
  /** The queue the gates were built on (their notices and tracked memberships). */
  queue: AccessQueue;
  /** The running adapters' gates, one per platform. */
  gates: readonly AccessGate[];
  /** The running platforms a person can be written to privately (billing notices). */
  directPlatforms: readonly PlatformName[];
  plans: PlansConfig;
  clock: Clock;
  audit: AuditLog;
  logger: Logger;
  /** The runner's deadline, backoff and limits (defaults: 30 s, 5 s doubling to 5 min, 10 attempts). */
  jobs?: Omit<AccessJobRunnerOptions, 'jobs' | 'reconciler' | 'clock' | 'logger'> | undefined;
  /** How long /grant waits to say what became of the access (default 3 s). */
  commandWaitMs?: number | undefined;
  /** Each platform's operators (told privately, once, when access is blocked until they fix something). */
  operatorIds?: Partial<Record<PlatformName, readonly string[]>> | undefined;
}

/** Everything access offers the rest of the wiring. */
export interface AccessWiring extends AccessQueue {
  reconciler: AccessReconciler;
  runner: AccessJobRunner;
  /** Join requests and membership changes from the bot. */
  onAccessEvent: (event: InboundEvent) => Promise<unknown>;
  /** Commands' onEntitlementChanged (/grant, /revoke): queues the access job, waits a moment, and says what became of it. */
  onEntitlementChanged: (accountId: string, reason: string) => Promise<string>;
  /** Queues an access job for the account and wakes the runner. */
  enqueue(accountId: string, trigger: string, actor: string, reason?: string): EnqueuedJob;
  /** /join: revokes the person's unused invite links and sends new ones while entitled. */
  newInviteLinks: (person: { platform: PlatformName; platformUserId: string }) => Promise<NewLinksReport>;
  /** Queues `text` for every identity of the account on a running platform, by direct message; false when none can take it. */
  notify(accountId: string, text: string): Promise<boolean>;
}

/** A sentence for the operator about an access job they set off. */
export function describeJob(job: AccessJob | null): string {
  if (!job) return 'Access will follow shortly.';
  if (job.state === 'done') {
    if (job.outcome?.includes('invited')) return 'The invite link is on its way to them.';
    if (job.outcome?.includes('revoked')) return 'They were removed from the gated chats.';
    if (job.outcome?.includes('approved') || job.outcome?.includes('granted')) return 'They have access now.';
    return 'Their access already matched.';
  }
  if (job.state === 'dead') return `Access could not be changed: ${job.lastError ?? 'unknown error'} (job ${job.id}: signalcast access retry ${job.id}).`;
  const why = job.lastError ? ` (last try: ${job.lastError.slice(0, 200)})` : '';
  return `Access will follow: the change is queued and retried until the platform answers${why} (job ${job.id}).`;
}

export function createAccess(deps: AccessWiringDeps): AccessWiring {
  const { queue, gates, plans, clock, audit } = deps;
  const logger = deps.logger.child({ component: 'access' });
  const { store, jobs, notices } = queue;
  const tellOperators = async (platform: PlatformName, text: string) => {
    for (const id of deps.operatorIds?.[platform] ?? []) {
      const told = await notices({ accountId: null, platform, platformUserId: id }, { topic: 'operator', text });
      if (!told.sent) logger.warn({ platform, operatorId: id, detail: told.detail }, 'could not tell an operator that access is blocked');
    }
  };
  const alarms = new AccessAlarms({ audit, logger, tellOperators });
  const reconciler = new AccessReconciler({ store, gates, plans, clock, audit, logger, alarms });
  const runner = new AccessJobRunner({ ...deps.jobs, jobs, reconciler, clock, logger: logger.child({ component: 'access-jobs' }) });
  const enqueue = (accountId: string, trigger: string, actor: string, reason?: string): EnqueuedJob => {
    const enqueued = jobs.enqueue({ accountId, trigger, actor, reason }, clock.now());
    runner.poke();
    return enqueued;
  };
  const waitMs = deps.commandWaitMs ?? 3_000;
  return {
    ...queue,
    reconciler,
    runner,
    enqueue,
    onAccessEvent: createAccessEventHandler({ store, gates, plans, clock, audit, logger, enqueue, wakeParked: () => runner.wakeParked() }),
    newInviteLinks: (person) => sendNewInviteLinks(person, { store, gates, plans, clock, audit, logger }),
    onEntitlementChanged: async (accountId, reason) => {
      const { job } = enqueue(accountId, reason, 'operator', `entitlement changed: ${reason}`);
      // Wait a moment (real time: this is a person waiting for an answer) to say what really happened.
      const started = Date.now();
      let current = jobs.get(job.id);
      while (current && (current.state === 'pending' && current.attempts === 0 || current.state === 'running') && Date.now() - started < waitMs) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        current = jobs.get(job.id);
      }
      return describeJob(current);
    },
    async notify(accountId, text) {
      const [account] = await store.listAccessAccounts({ platforms: [...deps.directPlatforms], accountId });
      let sent = false;
      for (const identity of account?.identities ?? []) {
        const result = await notices({ accountId, platform: identity.platform, platformUserId: identity.platformUserId }, { topic: 'billing', text });
        if (result.sent) sent = true;
        else logger.warn({ accountId, detail: result.detail }, 'could not queue a notice');
      }
      return sent;
    },
  };
}
