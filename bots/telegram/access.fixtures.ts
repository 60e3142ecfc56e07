// Test fixture for access on Telegram: the emulator with a private channel, real grammy Api, real SQLite stores, the gate and the reconciler.
import { Api } from 'grammy';
import type { Update } from 'grammy/types';
import { createAccessEventHandler, isAccessEvent } from '../../core/access/inbound';
import type { AccessResource } from '../../core/access/ports';
import { AccessReconciler } from '../../core/access/reconciler';
import { createSubscriptionHook, type OnSubscriptionChanged } from '../../core/access/subscription-hook';
import type { Subscription } from '../../core/accounts/types';
import { FakeClock } from '../../core/clock';
import type { InboundEvent } from '../../core/inbound/types';
import { DEFAULT_PLANS, type PlansConfig } from '../../core/plans';
import { openMemoryDatabase, type Db } from '../../db/client';
import { SqliteAccessStore } from '../../db/stores/access-store';
import { SqliteAccountStore } from '../../db/stores/account-store';
import { SqliteAuditLog } from '../../db/stores/audit-store';
import { startTelegramEmulator, type ChannelView, type JoinOutcome, type TelegramEmulator } from '../../sandbox/telegram';
import { TelegramAccessGate, type InviteMode } from './access';
import { toInboundEvent } from './inbound';

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
  onSubscriptionChanged: OnSubscriptionChanged;
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
  const resource: AccessResource = { platform: 'telegram', kind: 'chat', chatId: String(channel.id) };
  const plans = plansWithChannel(String(channel.id));
  const db = openMemoryDatabase();
  const audit = new SqliteAuditLog({ db, clock });
  const accounts = new SqliteAccountStore({ db, clock });
  const store = new SqliteAccessStore({ db, clock });
  const api = new Api(emu.token, { apiRoot: emu.apiRoot });
  const gate = new TelegramAccessGate({ api, store, clock, inviteMode: options.inviteMode });
  const reconciler = new AccessReconciler({ store, gates: [gate], plans, clock, audit });
  const onSubscriptionChanged = createSubscriptionHook({ reconciler, store, gates: [gate], plans, clock });
  const onEvent = createAccessEventHandler({ store, gates: [gate], plans, clock, audit });
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
    clock, emu, channel, resource, plans, db, audit, accounts, store, api, gate, reconciler, onSubscriptionChanged, onEvent,
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
      const after = await accounts.upsertSubscription({ ...before, status, pastDueSince: null });
      sub.subscription = after;
      await onSubscriptionChanged(sub.accountId, { before, after });
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
      await emu.stop();
      db.$client.close();
    },
  };
}
