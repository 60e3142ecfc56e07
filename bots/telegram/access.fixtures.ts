// Test fixture for access on Telegram: the emulator with a private channel, real grammy Api, real SQLite stores, the gate, the reconciler and the outbox its messages go through.
import { Api } from 'grammy';
import type { Update } from 'grammy/types';
import { createAccessEventHandler, isAccessEvent } from '../../core/access/inbound';
import type { AccessResource } from '../../core/access/ports';
import { AccessReconciler } from '../../core/access/reconciler';
import { AccessJobRunner } from '../../core/access/job-runner';
import { outboxNoticeSink, type NoticeSink } from '../../core/access/notices';
import { createSubscriptionHook, type SubscriptionChange } from '../../core/access/subscription-hook';
import type { Subscription } from '../../core/accounts/types';
import { FakeClock } from '../../core/clock';
import { Dispatcher } from '../../core/delivery/dispatcher';
import { createRetryPolicy } from '../../core/delivery/retry-policy';
import { silentLogger } from '../../core/logger';
import { noopMetrics } from '../../core/metrics';
import type { InboundEvent } from '../../core/inbound/types';
import { DEFAULT_PLANS, type PlansConfig } from '../../core/plans';
import { openMemoryDatabase, type Db } from '../../db/client';
import { SqliteAccessStore } from '../../db/stores/access-store';
import { SqliteAccountStore } from '../../db/stores/account-store';
import { SqliteAccessJobStore } from '../../db/stores/access-job-store';
import { SqliteAuditLog } from '../../db/stores/audit-store';
import { SqliteContentResolver } from '../../db/stores/delivery-content';
import { SqliteDeliveryStore } from '../../db/stores/delivery-store';
import { SqliteNoticeOutbox } from '../../db/stores/notice-outbox';
import { SqliteSubscriptionWriter } from '../../db/stores/subscription-writer';
import { startTelegramEmulator, type ChannelView, type JoinOutcome, type TelegramEmulator } from '../../sandbox/telegram';
import { TelegramAccessGate, type InviteMode } from './access';
import { toInboundEvent } from './inbound';
import { TelegramPlatform } from './platform';

const DAY_MS = 86_400_000;

export interface Subscriber {
  accountId: string;
  userId: number;
  subscription: Subscription | null;
}

export interface AccessWorld {
  clock: FakeClock;
  emu: TelegramEmulator;
  channel: ChannelView;
  resource: AccessResource;
  plans: PlansConfig;
  db: Db;
  audit: SqliteAuditLog;
  accounts: SqliteAccountStore;
  store: SqliteAccessStore;
  api: Api;
  gate: TelegramAccessGate;
  reconciler: AccessReconciler;
  jobs: SqliteAccessJobStore;
  /** The job runner, not started: runJobs() runs what is due (3 attempts, a 1 s deadline, 5 s doubling backoff). */
  runner: AccessJobRunner;
  outbox: SqliteNoticeOutbox;
  /** The real dispatcher sending the outbox's notices (started). */
  dispatcher: Dispatcher;
  /** The gate's sink: queues in the outbox, then waits until the dispatcher has sent what is due, so tests read the emulator at once. */
  notices: NoticeSink;
  /** Sends what is due in the outbox and waits until the dispatcher is idle. */
  deliver(): Promise<void>;
  /**
   * As billing does: saves nothing itself (the caller did), but writes the access job and the
   * welcome or lapse message in a transaction, then runs the due jobs and sends the notices.
   */
  onSubscriptionChanged(accountId: string, change: SubscriptionChange): Promise<void>;
  /** Runs the due access jobs once (as the runner would), then sends the notices. */
  runJobs(): Promise<void>;
  onEvent: (event: InboundEvent) => Promise<unknown>;
  /** An account with a Telegram identity that has started the bot, and a subscription to `planId` (none when null). */
  subscriber(userId: number, planId: string | null, status?: string): Promise<Subscriber>;
  /**
   * Changes the subscription's status and calls the billing hook, as billing would. A minute
   * passes first, as it does between two billing events: the emulator enforces Telegram's one
   * message per second per chat, and the hook's messages would otherwise be refused.
   */
  setStatus(sub: Subscriber, status: string): Promise<void>;
  /**
   * `userId` opens `link`, as the person would; when it asks to join, the bot's pending updates are
   * handled (pumpUpdates) so the request is answered. 'joined' when they are in the chat afterwards,
   * 'declined' when their request was turned away, else what the emulator answered.
   */
  joinWithLink(userId: number, link: string): Promise<JoinOutcome | 'declined'>;
  /** Fetches the bot's pending updates and hands chat_member and chat_join_request ones to the access handler, as the bot does. */
  pumpUpdates(): Promise<InboundEvent[]>;
  /** Audit rows, oldest first. */
  auditRows(): { action: string; subjectId: string; reason: string | null; data: Record<string, unknown> | null }[];
  close(): Promise<void>;
}

/** The plans with `chatId` as the VIP plan's (only) private channel. */
export function plansWithChannel(chatId: string): PlansConfig {
  return { ...DEFAULT_PLANS, plans: DEFAULT_PLANS.plans.map((p) => (p.id === 'vip' ? { ...p, telegramChatIds: [chatId] } : p)) };
}

/** Turns a chat_member or chat_join_request update into the neutral event the bot hands over (the bot's own translation). */
export function toAccessEvent(update: Update): InboundEvent | null {
  const event = toInboundEvent(update, undefined);
  return event && isAccessEvent(event) ? event : null;
}

/** `inviteMode`: how the gate's personal links admit (the gate's default, join requests, when absent). */
export async function startAccessWorld(options: { inviteMode?: InviteMode } = {}): Promise<AccessWorld> {
  const clock = new FakeClock();
  const emu = await startTelegramEmulator({ clock });
  const channel = emu.createChannel({ title: 'VIP room' });
  const resource: AccessResource = { platform: 'telegram', kind: 'chat', id: String(channel.id) };
  const plans = plansWithChannel(String(channel.id));
  const db = openMemoryDatabase();
  const audit = new SqliteAuditLog({ db, clock });
  const accounts = new SqliteAccountStore({ db, clock });
  const store = new SqliteAccessStore({ db, clock });
  const api = new Api(emu.token, { apiRoot: emu.apiRoot });
  const outbox = new SqliteNoticeOutbox({ db });
  const jobs = new SqliteAccessJobStore({ db });
  // Wide limits: the emulator's own (on the fake clock) are what the tests meet.
  const wide = { limit: 10_000, windowMs: 1_000 };
  const dispatcher = new Dispatcher({
    store: new SqliteDeliveryStore({ db, clock, audit }),
    platforms: new Map([['telegram', new TelegramPlatform({ api })]]),
    content: new SqliteContentResolver({ db }),
    clock,
    logger: silentLogger,
    metrics: noopMetrics,
    retryPolicy: createRetryPolicy({ maxAttempts: 3 }),
    concurrency: 4,
    limits: { telegram: { overall: wide, perChat: wide, perGroup: wide } },
  });
  await dispatcher.start();
  const deliver = async () => {
    dispatcher.poke();
    await dispatcher.idle();
  };
  // The real sink: a refusal waits until the dispatcher has sent its message before the gate declines.
  const queued = outboxNoticeSink({ outbox, clock, poke: () => dispatcher.poke() });
  const notices: NoticeSink = async (person, notice) => {
    const result = await queued(person, notice);
    // A notice the sink itself waits for is left to it: the gate's order of message and action is what is tested.
    if (!notice.sendBeforeReturning) await deliver();
    return result;
  };
  const gate = new TelegramAccessGate({ api, store, clock, notices, inviteMode: options.inviteMode });
  const reconciler = new AccessReconciler({ store, gates: [gate], plans, clock, audit });
  const runner = new AccessJobRunner({ jobs, reconciler, clock, maxAttempts: 3, jobTimeoutMs: 1_000 });
  const followUp = createSubscriptionHook({ jobs, outbox, plans, clock, platforms: ['telegram'], account: (id) => store.accessAccountNow(id) });
  const writer = new SqliteSubscriptionWriter({ db, clock });
  const runJobs = async () => {
    await runner.runDue();
    await deliver();
  };
  const onSubscriptionChanged = async (accountId: string, change: SubscriptionChange) => {
    db.transaction(() => followUp(accountId, change));
    await deliver();
    await runJobs();
  };
  // As the service wires it: a used link whose revoke failed queues the account's job (run by runJobs()).
  const enqueue = (accountId: string, trigger: string, actor: string) => jobs.enqueue({ accountId, trigger, actor }, clock.now());
  const onEvent = createAccessEventHandler({ store, gates: [gate], plans, clock, audit, enqueue });
  // Opt in to chat_member updates, as the bot does, before anything happens in the channel.
  let offset = 0;
  await api.getUpdates({ timeout: 0, allowed_updates: ['message', 'callback_query', 'chat_member', 'chat_join_request', 'my_chat_member'] });

  async function pumpUpdates(): Promise<InboundEvent[]> {
    const updates = await api.getUpdates({ offset, timeout: 0 });
    const events: InboundEvent[] = [];
    for (const update of updates) {
      offset = update.update_id + 1;
      const event = toAccessEvent(update);
      if (!event) continue;
      events.push(event);
      await onEvent(event);
    }
    return events;
  }

  return {
    clock, emu, channel, resource, plans, db, audit, accounts, store, api, gate, reconciler, jobs, runner, outbox, dispatcher, notices, deliver, onSubscriptionChanged, runJobs, onEvent,
    async subscriber(userId, planId, status = 'active') {
      const account = await accounts.createAccount({ displayName: `user ${userId}` });
      await accounts.addIdentity(account.id, 'telegram', String(userId));
      emu.userSends(userId, '/start');
      const subscription = planId === null ? null : await accounts.upsertSubscription({
        accountId: account.id, planId, status, currentPeriodEnd: clock.now() + 30 * DAY_MS, stripeSubscriptionId: `sub_${userId}`,
      });
      return { accountId: account.id, userId, subscription };
    },
    async setStatus(sub, status) {
      if (!sub.subscription) throw new Error('no subscription to change');
      await clock.advance(60_000);
      const before = sub.subscription;
      // As billing saves it: the change, its access job and its message in one transaction.
      const after = writer.save({ ...before, status, pastDueSince: null }, (saved) => void followUp(sub.accountId, { before, after: saved }));
      sub.subscription = after;
      await deliver();
      await runJobs();
    },
    async joinWithLink(userId, link) {
      const opened = emu.userJoinsWithLink(userId, link);
      await pumpUpdates();
      if (opened !== 'requested') return opened;
      // The approval's chat_member update, handled as the bot would.
      await pumpUpdates();
      return emu.isMember(channel.id, userId) ? 'joined' : 'declined';
    },
    pumpUpdates,
    auditRows() {
      return db.$client.prepare('select action, subject_id as subjectId, reason, data from audit_events order by id').all()
        .map((r) => {
          const row = r as { action: string; subjectId: string; reason: string | null; data: string | null };
          return { ...row, data: row.data === null ? null : (JSON.parse(row.data) as Record<string, unknown>) };
        });
    },
    async close() {
      await dispatcher.stop();
      await emu.stop();
      db.$client.close();
    },
  };
}
