// Test fixture for the core access rules without Telegram: the memory gate on a role-style resource, real SQLite stores and migrations, the reconciler, the job runner and the billing hook.
import type { SubscriptionUpsert } from '../accounts/ports';
import type { Subscription } from '../accounts/types';
import { FakeClock } from '../clock';
import { DEFAULT_PLANS, type PlansConfig } from '../plans';
import { openMemoryDatabase, type Db } from '../../db/client';
import { SqliteAccessJobStore } from '../../db/stores/access-job-store';
import { SqliteAccessStore } from '../../db/stores/access-store';
import { SqliteAccountStore } from '../../db/stores/account-store';
import { SqliteAuditLog } from '../../db/stores/audit-store';
import { SqliteNoticeOutbox } from '../../db/stores/notice-outbox';
import { SqliteSubscriptionWriter } from '../../db/stores/subscription-writer';
import type { DesiredAccessOptions } from './desired';
import { createAccessEventHandler } from './inbound';
import { AccessJobRunner } from './job-runner';
import type { AccessResource } from './ports';
import { AccessReconciler } from './reconciler';
import { createSubscriptionHook } from './subscription-hook';
import { MemoryAccessGate, recordingNoticeSink, type RecordedNotice } from './testing/memory-gate';

export const DAY = 86_400_000;

/**
 * The platform the memory gate stands in for. Desired access (planResources) knows resources only
 * on 'telegram' (chats) and 'discord' (roles), so a neutral gate borrows the role shape: no invite
 * links, no join requests, a grant holds at once.
 */
const PLATFORM = 'discord';
const GUILD = '700000000000000001';
const VIP_ROLE = '700000000000000042';

export interface MemorySubscriber {
  accountId: string;
  userId: string;
  subscription: Subscription;
}

export interface MemoryAccessWorld {
  clock: FakeClock;
  db: Db;
  plans: PlansConfig;
  /** The VIP plan's gated resource. */
  resource: AccessResource;
  resourceKey: string;
  gate: MemoryAccessGate;
  /** Every notice the gate sent (welcome on a grant, removed on a revoke). */
  gateNotices: RecordedNotice[];
  accounts: SqliteAccountStore;
  store: SqliteAccessStore;
  jobs: SqliteAccessJobStore;
  reconciler: AccessReconciler;
  /** Not started: runJobs() runs what is due (3 attempts, 5 s doubling backoff). */
  runner: AccessJobRunner;
  /** The access event handler, as a bot calls it. */
  onEvent: ReturnType<typeof createAccessEventHandler>;
  /** An account with one identity on the gate's platform and a subscription saved as billing saves it (with its job, then run). */
  subscriber(userId: string, planId: string, fields?: Partial<SubscriptionUpsert>): Promise<MemorySubscriber>;
  /** Changes the subscription as billing does (change, job and message in one transaction), then runs the due jobs. */
  change(sub: MemorySubscriber, fields: Partial<SubscriptionUpsert>): Promise<void>;
  runJobs(): Promise<number>;
  /** Every topic the person was told, by the gate or through the outbox (the billing hook's welcome and lapse), in order of source. */
  told(sub: MemorySubscriber): { gate: string[]; outbox: string[] };
  /** Audit actions about access, oldest first, as [action, subjectId, reason]. */
  accessAudit(): [string, string, string | null][];
  close(): void;
}

export function startMemoryAccessWorld(): MemoryAccessWorld {
  const clock = new FakeClock();
  const db = openMemoryDatabase();
  const plans: PlansConfig = { ...DEFAULT_PLANS, plans: DEFAULT_PLANS.plans.map((p) => (p.id === 'vip' ? { ...p, discordRoleIds: [VIP_ROLE] } : p)) };
  const options: DesiredAccessOptions = { discordGuildId: GUILD };
  const resource: AccessResource = { platform: PLATFORM, kind: 'role', tenant: GUILD, id: VIP_ROLE };
  const audit = new SqliteAuditLog({ db, clock });
  const accounts = new SqliteAccountStore({ db, clock });
  const store = new SqliteAccessStore({ db, clock });
  const jobs = new SqliteAccessJobStore({ db });
  const outbox = new SqliteNoticeOutbox({ db });
  const writer = new SqliteSubscriptionWriter({ db, clock });
  const sink = recordingNoticeSink();
  const gate = new MemoryAccessGate({ platform: PLATFORM, notices: sink });
  const reconciler = new AccessReconciler({ store, gates: [gate], plans, clock, audit, options });
  const runner = new AccessJobRunner({ jobs, reconciler, clock, maxAttempts: 3, jobTimeoutMs: 1_000 });
  const followUp = createSubscriptionHook({ jobs, outbox, plans, clock, options, platforms: [PLATFORM], account: (id) => store.accessAccountNow(id) });
  const onEvent = createAccessEventHandler({ store, gates: [gate], plans, clock, audit, options });
  const runJobs = () => runner.runDue();

  return {
    clock, db, plans, resource, resourceKey: `discord:role:${GUILD}:${VIP_ROLE}`, gate, gateNotices: sink.notices, accounts, store, jobs, reconciler, runner, onEvent, runJobs,
    async subscriber(userId, planId, fields = {}) {
      const account = await accounts.createAccount({ displayName: `user ${userId}` });
      await accounts.addIdentity(account.id, PLATFORM, userId);
      const subscription = writer.save(
        { accountId: account.id, planId, status: 'active', currentPeriodEnd: clock.now() + 30 * DAY, stripeSubscriptionId: `sub_${userId}`, ...fields },
        (after) => void followUp(account.id, { before: null, after }),
      );
      await runJobs();
      return { accountId: account.id, userId, subscription };
    },
    async change(sub, fields) {
      const before = sub.subscription;
      sub.subscription = writer.save({ ...before, ...fields }, (after) => void followUp(sub.accountId, { before, after }));
      await runJobs();
    },
    told(sub) {
      const outboxTopics = db.$client.prepare('select topic from notices where account_id = ? order by ref').all(sub.accountId) as { topic: string }[];
      return {
        gate: sink.notices.filter((n) => n.person.platformUserId === sub.userId).map((n) => n.notice.topic),
        outbox: outboxTopics.map((r) => r.topic),
      };
    },
    accessAudit() {
      const rows = db.$client.prepare("select action, subject_id as subjectId, reason from audit_events where action like 'access.%' order by id").all() as { action: string; subjectId: string; reason: string | null }[];
      return rows.map((r) => [r.action, r.subjectId, r.reason]);
    },
    close() {
      db.$client.close();
    },
  };
}
