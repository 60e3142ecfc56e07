// The chat commands for the running service: their dependencies, and one handler that routes access events apart.
import { handleEvent, type CommandDeps } from '../bots/commands';
import type { EventHandler, InboundEvent } from '../core/inbound/types';
import type { AuditLog } from '../core/audit';
import type { Billing } from '../core/billing/ports';
import type { Clock } from '../core/clock';
import { isAccessEvent } from '../core/access/inbound';
import { handleTenantRemoved } from '../core/tenancy/removed';
import type { InstallationStore } from '../core/tenancy/installations';
import type { Logger } from '../core/logger';
import type { PlansConfig } from '../core/plans';
import type { PublishOutcome, SignalService } from '../core/signals/ports';
import type { PlatformName } from '../core/types';
import type { Db } from '../db/client';
import { SqliteAccountDirectory } from '../db/stores/account-directory';
import type { SqliteAccountStore } from '../db/stores/account-store';
import { SqliteLinkCodeStore } from '../db/stores/link-code-store';
import { SqliteReferralStore } from '../db/stores/referral-store';
import { SqliteOperatorStats } from '../db/stores/stats-store';

export interface CommandWiringDeps {
  db: Db;
  accounts: SqliteAccountStore;
  billing: Billing;
  plans: PlansConfig;
  capabilities: CommandDeps['capabilities'];
  signals: Pick<SignalService, 'publish'>;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  operatorIds: Partial<Record<PlatformName, readonly string[]>>;
  deepLinks?: CommandDeps['deepLinks'];
  appLabels?: CommandDeps['appLabels'];
  onEntitlementChanged?: CommandDeps['onEntitlementChanged'];
  newInviteLinks?: CommandDeps['newInviteLinks'];
  onPublished?: ((outcome: PublishOutcome) => void) | undefined;
  /** Platforms licensed per workspace (Slack): the adapters' WorkspacePort, for `/signals`. */
  workspaces?: CommandDeps['workspaces'];
  /** Per-tenant installations: the workspace's account for `/signals`, and where a `tenant_removed` revokes. */
  installations?: InstallationStore | undefined;
  /** /track's figures. */
  track?: CommandDeps['track'];
}

export function createCommandDeps(deps: CommandWiringDeps): CommandDeps {
  const { db, clock } = deps;
  return {
    accounts: deps.accounts,
    directory: new SqliteAccountDirectory({ db }),
    referrals: new SqliteReferralStore({ db, clock }),
    linkCodes: new SqliteLinkCodeStore({ db }),
    billing: deps.billing,
    plans: deps.plans,
    capabilities: deps.capabilities,
    signals: deps.signals,
    stats: new SqliteOperatorStats({ db }),
    track: deps.track,
    audit: deps.audit,
    clock,
    logger: deps.logger.child({ component: 'commands' }),
    operatorIds: deps.operatorIds,
    deepLinks: deps.deepLinks,
    appLabels: deps.appLabels,
    onEntitlementChanged: deps.onEntitlementChanged,
    newInviteLinks: deps.newInviteLinks,
    onPublished: deps.onPublished,
    workspaces: deps.workspaces,
    installations: deps.installations,
  };
}

/**
 * What a bot calls with each event: join requests and membership changes go to access (no reply), a
 * tenant that removed the app to its installation (handleTenantRemoved), the rest to the commands.
 */
export function routeEvents(commands: CommandDeps, onAccessEvent: ((event: InboundEvent) => Promise<unknown>) | undefined): EventHandler {
  return async (event) => {
    if (isAccessEvent(event)) {
      if (onAccessEvent) await onAccessEvent(event);
      return [];
    }
    if (event.type === 'tenant_removed') {
      if (commands.installations) await handleTenantRemoved(event, { installations: commands.installations, audit: commands.audit, logger: commands.logger });
      else commands.logger.warn({ platform: event.platform, tenant: event.tenant }, 'tenant removed, but no installation store is wired');
      return [];
    }
    return handleEvent(event, commands);
  };
}
