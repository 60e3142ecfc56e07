// Access on Telegram for the running service: one store, the gate on the bot's Api, the reconciler, the billing hook and the event handler.
import type { Api } from 'grammy';
import { TelegramAccessGate, type InviteMode } from '../bots/telegram/access';
import { createAccessEventHandler } from '../core/access/inbound';
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
import { SqliteAccessStore } from '../db/stores/access-store';

export interface AccessWiringDeps {
  db: Db;
  /** grammy's Api, pointed at Telegram or the emulator. */
  api: Api;
  plans: PlansConfig;
  clock: Clock;
  audit: AuditLog;
  logger: Logger;
  /** How personal invite links admit (TELEGRAM_INVITE_MODE). Default: join requests. */
  inviteMode?: InviteMode | undefined;
}

/** Everything access offers the rest of the wiring. */
export interface AccessWiring {
  store: SqliteAccessStore;
  gate: TelegramAccessGate;
  reconciler: AccessReconciler;
  /** Billing's onSubscriptionChanged: reconcile the account, then the welcome or lapse message. */
  onSubscriptionChanged: OnSubscriptionChanged;
  /** Join requests and membership changes from the bot. */
  onAccessEvent: (event: InboundEvent) => Promise<unknown>;
  /** Commands' onEntitlementChanged (/grant, /revoke). */
  onEntitlementChanged: (accountId: string, reason: string) => Promise<void>;
  /** /join: revokes the person's unused invite links and sends new ones while entitled. */
  newInviteLinks: (person: { platform: PlatformName; platformUserId: string }) => Promise<NewLinksReport>;
  /** Sends `text` to every Telegram identity of the account, by direct message; false when none took it. */
  notify(accountId: string, text: string): Promise<boolean>;
}

export function createAccess(deps: AccessWiringDeps): AccessWiring {
  const { db, api, plans, clock, audit } = deps;
  const logger = deps.logger.child({ component: 'access' });
  const store = new SqliteAccessStore({ db, clock });
  const gate = new TelegramAccessGate({ api, store, clock, logger, inviteMode: deps.inviteMode });
  const gates = [gate];
  const reconciler = new AccessReconciler({ store, gates, plans, clock, audit, logger });
  return {
    store,
    gate,
    reconciler,
    onSubscriptionChanged: createSubscriptionHook({ reconciler, store, gates, plans, clock, logger }),
    onAccessEvent: createAccessEventHandler({ store, gates, plans, clock, audit, logger }),
    newInviteLinks: (person) => sendNewInviteLinks(person, { store, gates, plans, clock, audit, logger }),
    onEntitlementChanged: async (accountId, reason) => {
      await reconciler.reconcile({ accountId, trigger: reason });
    },
    async notify(accountId, text) {
      const [account] = await store.listAccessAccounts({ platforms: ['telegram'], accountId });
      let sent = false;
      for (const identity of account?.identities ?? []) {
        const result = await gate.notify({ accountId, platform: identity.platform, platformUserId: identity.platformUserId }, text);
        if (result.sent) sent = true;
        else logger.warn({ accountId, detail: result.detail }, 'could not send a notice');
      }
      return sent;
    },
  };
}
