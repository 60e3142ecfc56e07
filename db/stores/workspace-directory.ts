// Every workspace installation with its account, licence and channels, for the operator (`signalcast workspaces list`). Reads no token.
import { asc, eq, inArray, and, isNotNull } from 'drizzle-orm';
import type { Clock } from '../../core/clock';
import { entitlementOf } from '../../core/entitlement';
import { hasWorkspaceLicence } from '../../core/planning/filters';
import type { PlansConfig } from '../../core/plans/schema';
import type { PlatformName } from '../../core/types';
import type { Db } from '../client';
import { destinations, installations, subscriptions } from '../schema';
import { toSubscription } from './account-store';

export interface WorkspaceChannelSummary {
  chatId: string;
  label: string | null;
  enabled: boolean;
  disabledReason: string | null;
}

export interface WorkspaceSummary {
  platform: PlatformName;
  tenant: string;
  name: string | null;
  state: 'installed' | 'revoked';
  revokedReason: string | null;
  accountId: string | null;
  /** The plan whose workspace licence the account has now; null: none. */
  licence: { planId: string; reason: string; until: number | null } | null;
  /** The workspace account's own channels. */
  channels: WorkspaceChannelSummary[];
}

export class SqliteWorkspaceDirectory {
  constructor(private readonly deps: { db: Db; plans: () => PlansConfig; clock: Clock }) {}

  /** Oldest install first; the bot tokens are never read (no SECRETS_KEY is needed). */
  list(filter: { platform?: PlatformName } = {}): WorkspaceSummary[] {
    const { db } = this.deps;
    const rows = db.select({
      platform: installations.platform, tenant: installations.tenant, name: installations.tenantName, revokedAt: installations.revokedAt,
      revokedReason: installations.revokedReason, accountId: installations.accountId,
    }).from(installations).where(filter.platform ? eq(installations.platform, filter.platform) : undefined)
      .orderBy(asc(installations.installedAt), asc(installations.id)).all();
    if (rows.length === 0) return [];
    const plans = this.deps.plans();
    const now = this.deps.clock.now();
    return rows.map((row) => {
      const platform = row.platform as PlatformName;
      let licence: WorkspaceSummary['licence'] = null;
      let channels: WorkspaceChannelSummary[] = [];
      if (row.accountId) {
        const subs = db.select().from(subscriptions).where(eq(subscriptions.accountId, row.accountId)).all().map(toSubscription);
        const entitlement = entitlementOf(plans, subs, now);
        if (hasWorkspaceLicence(entitlement.plan, platform)) licence = { planId: entitlement.plan.id, reason: entitlement.reason, until: entitlement.until };
        channels = db.select({ chatId: destinations.address, label: destinations.label, enabled: destinations.enabled, disabledReason: destinations.disabledReason })
          .from(destinations)
          .where(and(eq(destinations.platform, platform), eq(destinations.tenant, row.tenant), isNotNull(destinations.tenant),
            eq(destinations.kind, 'channel'), inArray(destinations.accountId, [row.accountId])))
          .orderBy(asc(destinations.createdAt), asc(destinations.id)).all()
          .map((d) => ({ ...d, chatId: (d.chatId as { chatId: string }).chatId }));
      }
      return {
        platform, tenant: row.tenant, name: row.name, state: row.revokedAt ? 'revoked' : 'installed', revokedReason: row.revokedReason,
        accountId: row.accountId, licence, channels,
      };
    });
  }
}
