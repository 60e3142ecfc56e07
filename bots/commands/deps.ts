// What the platform-neutral command handlers need, passed in by main (or a test), never imported.
import type { NewLinksReport } from '../../core/access/new-links';
import type { AccountDirectory } from '../../core/accounts/directory';
import type { LinkCodeStore } from '../../core/accounts/link-codes';
import type { AccountStore } from '../../core/accounts/ports';
import type { AuditLog } from '../../core/audit';
import type { Billing } from '../../core/billing/ports';
import type { Capabilities } from '../../core/capabilities';
import type { ReferralStore } from '../../core/billing/referrals';
import type { Clock } from '../../core/clock';
import type { InboundEvent, Reply } from '../../core/inbound/types';
import type { Logger } from '../../core/logger';
import type { WorkspacePort } from '../../core/platform/adapter';
import type { PlansConfig } from '../../core/plans/schema';
import type { PublishOutcome, SignalService } from '../../core/signals/ports';
import type { OperatorStats } from '../../core/stats';
import type { InstallationStore } from '../../core/tenancy/installations';
import type { TrackRecordSource } from '../../core/track-record/types';
import type { PlatformName } from '../../core/types';

/** The dependencies of every command handler. */
export interface CommandDeps {
  accounts: AccountStore;
  directory: AccountDirectory;
  /** Referral codes: found at /start ref_<code>, made on first /refer. */
  referrals: Pick<ReferralStore, 'findAccountByReferralCode' | 'ensureReferralCode'>;
  linkCodes: LinkCodeStore;
  billing: Billing;
  plans: PlansConfig;
  /** What this running service delivers: plans promise nothing else, and /subscribe needs `payments`. */
  capabilities: Capabilities;
  /** For the operators' /publish. */
  signals: Pick<SignalService, 'publish'>;
  stats: OperatorStats;
  /** /track's figures; absent: /track says it is not available. */
  track?: Pick<TrackRecordSource, 'record'> | undefined;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  /** Platform user ids allowed to run /publish, /stats, /grant and /revoke, per platform. */
  operatorIds: Partial<Record<PlatformName, readonly string[]>>;
  /** A link that opens the bot with `/start <payload>` on a platform that has one (e.g. Telegram's t.me links). */
  deepLinks?: Partial<Record<PlatformName, (payload: string) => string>> | undefined;
  /** Each running platform's name as people write it ("Telegram"), from its adapter. */
  appLabels?: Readonly<Record<PlatformName, string>> | undefined;
  /** The market /publish gives its signals. Default "crypto". */
  publishMarket?: string | undefined;
  /**
   * After /grant or /revoke changed what an account is entitled to: queues the account's access job.
   * May answer a sentence saying what became of the access (added to the operator's reply).
   */
  onEntitlementChanged?: ((accountId: string, reason: string) => void | string | Promise<void | string>) | undefined;
  /** /join: revoke the person's unused invite links and send new ones (absent: no platform gates access). */
  newInviteLinks?: ((person: { platform: PlatformName; platformUserId: string }) => Promise<NewLinksReport>) | undefined;
  /** After /publish committed a new signal: e.g. the dispatcher's poke. */
  onPublished?: ((outcome: PublishOutcome) => void) | undefined;
  /** Platforms licensed per workspace (Slack): how `/signals subscribe` prepares a channel the admins chose. */
  workspaces?: Partial<Record<PlatformName, WorkspacePort>> | undefined;
  /** Per-tenant installations: the workspace's account (`/signals`) and whether the app is installed. */
  installations?: InstallationStore | undefined;
}

export type CommandEvent = Extract<InboundEvent, { type: 'command' }>;
export type ButtonEvent = Extract<InboundEvent, { type: 'button' }>;

/** One command to answer: the event, its arguments, the dependencies and the time it is handled at. */
export interface CommandCall {
  event: CommandEvent | ButtonEvent;
  /** The text after the command (or the part of a button's data after its prefix), trimmed. */
  args: string;
  deps: CommandDeps;
  now: number;
}

export type CommandHandler = (call: CommandCall) => Promise<Reply[]>;
