// Every periodic job in one place: the ones the configured parts need, each guarded (no overlap, one process at a time, recorded and measured).
import type { NoticeOutbox } from '../core/access/notices';
import type { AccessReconcile } from '../core/access/reconciler';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import type { PlansConfig } from '../core/plans';
import type { PlatformName } from '../core/types';
import type { Config } from '../config';
import type { Db } from '../db/client';
import { SqliteOnceKeys } from '../db/stores/once-keys';
import { SqliteScheduleRunStore } from '../db/stores/schedule-run-store';
import { accessReconcileJob, accessReconcileSchedule } from './access-reconcile';
import { billingReconcileJob, type BillingReconcileJobDeps } from './billing-reconcile';
import { deadLetterReportJob } from './dead-letter-report';
import { JobGuard, type GuardableJob, type GuardedJob } from './guard';
import type { ScheduledJob } from './index';
import { pruneJob } from './prune';
import { trialRemindersJob } from './trial-reminders';

/** The job names, in the order they are registered. */
export const JOB_NAMES = ['snapshot', 'billing-reconcile', 'access-reconcile', 'dead-letter-report', 'trial-reminders', 'prune-deliveries'] as const;

export interface ServiceJobsDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  metrics: Pick<Metrics, 'jobRun'>;
  /** OPERATOR_TIME_ZONE. */
  timeZone: string;
  /** SNAPSHOT_TIME, DEAD_LETTER_REPORT_TIME, TRIAL_REMINDERS, DELIVERED_RETENTION_DAYS. */
  settings: Config['schedules'];
  /** ACCESS_RECONCILE_EVERY_MINUTES (default 5). */
  accessEveryMinutes?: number | undefined;
  /** Billing's reconcile; absent without Stripe (then no billing reconcile and no trial reminders: trials are Stripe's). */
  billing?: BillingReconcileJobDeps['reconcile'] | undefined;
  /** The access reconciler; absent without a platform that gates access. */
  access?: AccessReconcile | undefined;
  /** Wakes the access jobs parked until the platform changes. */
  wakeParkedAccessJobs?: (() => unknown) | undefined;
  /** Where the operators' report and the subscribers' reminders are queued. */
  outbox: NoticeOutbox;
  /** Wakes the dispatcher after notices are queued. */
  poke?: (() => void) | undefined;
  operatorIds: Partial<Record<PlatformName, readonly string[]>>;
  plans: PlansConfig;
  /** The daily snapshot (schedules/snapshot.ts builds it); absent: none. */
  snapshot?: ScheduledJob | GuardableJob | undefined;
  /** The guard's lease holder (a random one by default) and secret scrubber. */
  holder?: string | undefined;
  scrub?: ((text: string) => string) | undefined;
}

/** The jobs the configured parts need, unguarded (the plain functions), in JOB_NAMES order. */
export function plainServiceJobs(deps: ServiceJobsDeps): GuardableJob[] {
  const logger = deps.logger.child({ component: 'schedules' });
  const onceKeys = new SqliteOnceKeys({ db: deps.db });
  const { db, clock, timeZone, settings } = deps;
  const jobs: GuardableJob[] = [];
  if (deps.snapshot) jobs.push(deps.snapshot);
  if (deps.billing) jobs.push({ ...billingReconcileJob({ reconcile: deps.billing, logger }), maxDurationMs: 30 * 60_000 });
  if (deps.access) jobs.push(accessReconcileJob(deps.access, accessReconcileSchedule(deps.accessEveryMinutes), deps.wakeParkedAccessJobs));
  if (settings.deadLetterReportAt) {
    jobs.push(deadLetterReportJob({ db, onceKeys, outbox: deps.outbox, poke: deps.poke, operatorIds: deps.operatorIds, clock, timeZone, logger }, settings.deadLetterReportAt));
  }
  if (deps.billing && settings.trialReminders) jobs.push(trialRemindersJob({ db, onceKeys, outbox: deps.outbox, plans: deps.plans, poke: deps.poke, clock, timeZone, logger }));
  if (settings.retentionDays > 0) jobs.push(pruneJob({ db, clock, retentionDays: settings.retentionDays, logger }));
  return jobs;
}

/** Every job the configured parts need, each through one guard (this process's lease holder). */
export function serviceJobs(deps: ServiceJobsDeps): GuardedJob[] {
  const guard = new JobGuard({
    runs: new SqliteScheduleRunStore({ db: deps.db }), clock: deps.clock, logger: deps.logger.child({ component: 'schedules' }), metrics: deps.metrics,
    holder: deps.holder, scrub: deps.scrub,
  });
  return plainServiceJobs(deps).map((job) => guard.guard(job));
}
