// Fast test data: N subscribers (account, identity, subscription, direct destination) or a channel, for tests and benchmarks.
import { randomInt } from 'node:crypto';
import { checkSettings, DEFAULT_SETTINGS, parseSettingsUpdate } from '../../core/accounts/settings';
import type { AccountSettings } from '../../core/accounts/types';
import { recipientKey, type ContentKind, type Recipient } from '../../core/types';
import type { Db } from '../client';

const DAY_MS = 86_400_000;

/** Platforms whose direct chats are addressed by a chat id (Discord's by the user id, with `direct`). */
type ChatIdPlatform = 'testchat' | 'telegram' | 'whatsapp' | 'discord';

export interface SeedSubscribersOptions {
  count: number;
  /** The subscription's plan; null or absent: no subscription (the free plan). */
  planId?: string | null;
  platform?: ChatIdPlatform;
  /** The platform user ids to use (one per subscriber, `count` of them); fresh numbers when absent. */
  userIds?: readonly string[];
  /** Stripe status; default 'active'. */
  status?: string;
  /** Subscription fields beyond the status (ms since the epoch). currentPeriodEnd defaults to now + 30 days. */
  subscription?: { currentPeriodEnd?: number | null; cancelAtPeriodEnd?: boolean; trialEnd?: number | null; pastDueSince?: number | null; source?: 'stripe' | 'grant' };
  /** The same settings for every account, validated like updateSettings. */
  settings?: Partial<AccountSettings>;
  contentKinds?: ContentKind[];
  /** Creation time of the rows; default Date.now(). */
  now?: number;
}

export interface SeededSubscribers {
  accountIds: string[];
  identityIds: string[];
  destinationIds: string[];
  /** The chat id of each destination (also the identity's platform user id). */
  chatIds: string[];
}

// Ids unique across calls and processes sharing one database file, without a query.
let nextNumber = randomInt(1, 2 ** 33) * 1_000_000;
const tag = () => randomInt(0, 2 ** 47).toString(36);

const bool = (b: boolean) => (b ? 1 : 0);
const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

/**
 * Inserts `count` subscribers in one transaction with prepared statements (100,000 take a few
 * seconds). Each gets an account, an identity, a direct destination and, with a planId, a subscription.
 */
export function seedSubscribers(db: Db, options: SeedSubscribersOptions): SeededSubscribers {
  const now = options.now ?? Date.now();
  const platform = options.platform ?? 'testchat';
  const settings: AccountSettings = { ...DEFAULT_SETTINGS, ...parseSettingsUpdate(options.settings ?? {}) };
  checkSettings(settings);
  const kinds = JSON.stringify(options.contentKinds ?? ['alert', 'rationale', 'snapshot', 'notice']);
  const sub = options.subscription ?? {};
  const periodEnd = sub.currentPeriodEnd === undefined ? now + 30 * DAY_MS : sub.currentPeriodEnd;
  const sqlite = db.$client;
  const insertAccount = sqlite.prepare(`INSERT INTO accounts (id, symbol_filter, min_band, side_filter, direct_messages, quiet_start, quiet_end, time_zone, paused, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertIdentity = sqlite.prepare('INSERT INTO identities (id, account_id, platform, platform_user_id, created_at) VALUES (?, ?, ?, ?, ?)');
  const insertSubscription = sqlite.prepare(`INSERT INTO subscriptions (id, account_id, plan_id, status, current_period_end, cancel_at_period_end, trial_end, past_due_since, source, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertDestination = sqlite.prepare(`INSERT INTO destinations (id, platform, kind, address, recipient_key, identity_id, account_id, content_kinds, is_group, enabled, created_at)
    VALUES (?, ?, 'direct', ?, ?, ?, ?, ?, 0, 1, ?)`);

  const out: SeededSubscribers = { accountIds: [], identityIds: [], destinationIds: [], chatIds: [] };
  const run = tag();
  const accountSettings = [json(settings.symbolFilter), settings.minBand, json(settings.sideFilter), bool(settings.directMessages),
    settings.quietStart, settings.quietEnd, settings.timeZone, bool(settings.paused)] as const;
  sqlite.transaction(() => {
    for (let i = 0; i < options.count; i++) {
      // Zero-padded so that ids sort in creation order, as newId's do.
      const n = String(i).padStart(8, '0');
      const accountId = `acc_seed_${run}_${n}`;
      const identityId = `idn_seed_${run}_${n}`;
      const destinationId = `dst_seed_${run}_${n}`;
      const chatId = options.userIds?.[i] ?? String(nextNumber++);
      // A Discord user id is not a channel: the DM channel is opened on first use.
      const recipient: Recipient = platform === 'discord' ? { platform, chatId, direct: true } : { platform, chatId };
      insertAccount.run(accountId, ...accountSettings, now);
      insertIdentity.run(identityId, accountId, platform, chatId, now);
      if (options.planId) {
        insertSubscription.run(`sub_seed_${run}_${n}`, accountId, options.planId, options.status ?? 'active', periodEnd, bool(sub.cancelAtPeriodEnd ?? false),
          sub.trialEnd ?? null, sub.pastDueSince ?? null, sub.source ?? 'stripe', now, now);
      }
      insertDestination.run(destinationId, platform, JSON.stringify(recipient), recipientKey(recipient), identityId, accountId, kinds, now);
      out.accountIds.push(accountId);
      out.identityIds.push(identityId);
      out.destinationIds.push(destinationId);
      out.chatIds.push(chatId);
    }
  }).immediate();
  return out;
}

export interface SeedChannelOptions {
  /** Default: a testchat group with a fresh negative chat id. */
  recipient?: Recipient;
  /** The plan whose content it gets; null means the free plan's. */
  planId?: string | null;
  /** The account that owns it (it then follows that account's entitlement; give no planId). */
  accountId?: string | null;
  contentKinds?: ContentKind[];
  isGroup?: boolean;
  label?: string;
  now?: number;
}

/** Inserts one channel destination, with its recipient's tenant. */
export function seedChannel(db: Db, options: SeedChannelOptions = {}): { destinationId: string; recipient: Recipient; recipientKey: string } {
  const recipient: Recipient = options.recipient ?? { platform: 'testchat', chatId: `-${nextNumber++}` };
  const destinationId = `dst_seed_${tag()}`;
  const key = recipientKey(recipient);
  db.$client.prepare(`INSERT INTO destinations (id, platform, kind, address, recipient_key, tenant, account_id, plan_id, content_kinds, is_group, label, enabled, created_at)
    VALUES (?, ?, 'channel', ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`).run(
    destinationId, recipient.platform, JSON.stringify(recipient), key, recipient.tenant || null, options.accountId ?? null, options.planId ?? null,
    JSON.stringify(options.contentKinds ?? ['alert', 'rationale', 'snapshot']), bool(options.isGroup ?? true), options.label ?? null, options.now ?? Date.now(),
  );
  return { destinationId, recipient, recipientKey: key };
}
