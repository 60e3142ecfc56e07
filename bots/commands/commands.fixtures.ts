// Test fixtures for the command handlers: real SQLite stores (with the real migrations), a fake clock, a recording Billing.
import type { AccountStore } from '../../core/accounts/ports';
import type { Billing, CheckoutRequest } from '../../core/billing/ports';
import { currentCapabilities } from '../../core/capabilities';
import { FakeClock } from '../../core/clock';
import { SignalcastError } from '../../core/errors';
import type { InboundEvent, Reply } from '../../core/inbound/types';
import type { Logger } from '../../core/logger';
import { silentLogger } from '../../core/logger';
import { DEFAULT_PLANS } from '../../core/plans/default-plans';
import type { PlansConfig } from '../../core/plans/schema';
import type { Recipient } from '../../core/types';
import { openMemoryDatabase, type Db } from '../../db/client';
import { SqliteAccountDirectory } from '../../db/stores/account-directory';
import { SqliteAccountStore } from '../../db/stores/account-store';
import { SqliteAuditLog } from '../../db/stores/audit-store';
import { SqliteLinkCodeStore } from '../../db/stores/link-code-store';
import { SqliteSignalService } from '../../db/stores/signal-service';
import { SqliteReferralStore } from '../../db/stores/referral-store';
import { SqliteOperatorStats } from '../../db/stores/stats-store';
import { SqliteTrackRecord } from '../../db/stores/track-record-store';
import type { CommandDeps } from './deps';
import { handleEvent } from './router';

/** A Billing that records what it was asked and answers with local URLs; `fail` makes the next call throw it. */
export class RecordingBilling implements Billing {
  readonly checkouts: CheckoutRequest[] = [];
  readonly portals: string[] = [];
  fail: Error | undefined;
  constructor(private readonly accounts: AccountStore) {}

  async createCheckoutLink(request: CheckoutRequest): Promise<{ url: string; sessionId: string }> {
    this.throwIfTold();
    if (!DEFAULT_PLANS.plans.some((p) => p.id === request.planId && p.stripePriceId)) throw new SignalcastError('not_found', 'no such paid plan');
    this.checkouts.push(request);
    const sessionId = `cs_test_${this.checkouts.length}`;
    return { url: `http://127.0.0.1:1/checkout/${sessionId}`, sessionId };
  }

  async createPortalLink(accountId: string): Promise<{ url: string }> {
    this.throwIfTold();
    const account = await this.accounts.getAccount(accountId);
    if (!account?.stripeCustomerId) throw new SignalcastError('not_found', 'never paid');
    this.portals.push(accountId);
    return { url: `http://127.0.0.1:1/portal/${account.stripeCustomerId}` };
  }

  private throwIfTold(): void {
    const err = this.fail;
    this.fail = undefined;
    if (err) throw err;
  }
}

export const OPERATOR_ID = '900';

export interface CommandWorld {
  db: Db;
  clock: FakeClock;
  deps: CommandDeps;
  accounts: SqliteAccountStore;
  audit: SqliteAuditLog;
  billing: RecordingBilling;
  /** A user writes a command (`/settings band A`) in their private chat, or in `chat` when given. */
  send(userId: string, text: string, options?: { username?: string; group?: boolean; platform?: 'testchat' | 'telegram'; messageId?: string }): Promise<Reply[]>;
  /** A user presses a button with `data` on message `messageId` of their private chat. */
  press(userId: string, data: string, messageId?: string): Promise<Reply[]>;
  /** Audit actions, oldest first. */
  actions(): string[];
}

/** The built-in plans, the VIP plan gating a Telegram chat and the Enterprise plan a Slack workspace licence. */
export const COMMAND_PLANS: PlansConfig = {
  ...DEFAULT_PLANS,
  plans: DEFAULT_PLANS.plans.map((p) => {
    if (p.id === 'vip') return { ...p, access: [{ platform: 'telegram', kind: 'chat' as const, id: '-1001000000001' }] };
    if (p.id === 'enterprise') return { ...p, access: [{ platform: 'slack', kind: 'workspace' as const, id: 'licence' }] };
    return p;
  }),
};

export function commandWorld(overrides: Partial<CommandDeps> & { logger?: Logger } = {}): CommandWorld {
  const db = openMemoryDatabase();
  const clock = new FakeClock();
  const accounts = new SqliteAccountStore({ db, clock });
  const audit = new SqliteAuditLog({ db, clock });
  const billing = new RecordingBilling(accounts);
  const deps: CommandDeps = {
    accounts,
    directory: new SqliteAccountDirectory({ db }),
    referrals: new SqliteReferralStore({ db, clock }),
    linkCodes: new SqliteLinkCodeStore({ db }),
    billing,
    plans: COMMAND_PLANS,
    // What a service running the test platform and Telegram (which gives chats), with Stripe, delivers today.
    capabilities: currentCapabilities(['testchat', { name: 'telegram', capabilities: { access: ['chat'] } }], true),
    signals: new SqliteSignalService({ db, clock, plans: DEFAULT_PLANS, bands: { aMin: 0.8, bMin: 0.6 } }),
    stats: new SqliteOperatorStats({ db }),
    track: new SqliteTrackRecord({ db }),
    audit,
    clock,
    logger: silentLogger,
    operatorIds: { testchat: [OPERATOR_ID], telegram: [OPERATOR_ID] },
    appLabels: { testchat: 'Test chat', telegram: 'Telegram', discord: 'Discord' },
    ...overrides,
  };
  const send: CommandWorld['send'] = (userId, text, options = {}) => {
    const m = /^\/(\w+)\s*(.*)$/s.exec(text);
    if (!m) throw new Error(`not a command: ${text}`);
    const platform = options.platform ?? 'testchat';
    const chat: Recipient = { platform, chatId: options.group ? '-100500' : userId };
    const event: InboundEvent = {
      type: 'command', actor: { platform, platformUserId: userId, username: options.username }, chat, isPrivate: !options.group,
      command: m[1] ?? '', args: m[2] ?? '', messageId: options.messageId,
    };
    return handleEvent(event, deps);
  };
  const press: CommandWorld['press'] = (userId, data, messageId = '77') =>
    handleEvent({ type: 'button', actor: { platform: 'testchat', platformUserId: userId }, chat: { platform: 'testchat', chatId: userId }, isPrivate: true, data, messageId }, deps);
  const actions = () => audit.list({ limit: 1000 }).map((e) => e.action).reverse();
  return { db, clock, deps, accounts, audit, billing, send, press, actions };
}

/** The one reply's text; fails when there is not exactly one. */
export function only(replies: Reply[]): Reply {
  if (replies.length !== 1) throw new Error(`expected one reply, got ${replies.length}`);
  return replies[0] as Reply;
}
