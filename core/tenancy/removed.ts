// A tenant removed the app (Slack's app_uninstalled, tokens_revoked): revoke its installation, disabling its destinations, and audit it.
import type { AuditLog } from '../audit';
import type { InboundEvent } from '../inbound/types';
import type { Logger } from '../logger';
import type { InstallationStore } from './installations';

export type TenantRemovedEvent = Extract<InboundEvent, { type: 'tenant_removed' }>;

/**
 * Marks the tenant's installation revoked with the event's reason: in the same transaction every
 * enabled destination of the tenant is disabled (InstallationStore.markRevoked), so nothing more is
 * planned there and the dispatcher sends nothing still pending for it. Audits
 * `installation.revoked` (actor 'system') when it was active; a repeat (Slack sends both events on
 * an uninstall) or an unknown tenant changes nothing. Returns whether it revoked.
 */
export async function handleTenantRemoved(
  event: TenantRemovedEvent,
  deps: { installations: InstallationStore; audit: AuditLog; logger?: Logger | undefined },
): Promise<boolean> {
  const revoked = await deps.installations.markRevoked(event.platform, event.tenant, event.reason);
  if (!revoked) {
    deps.logger?.info({ platform: event.platform, tenant: event.tenant, reason: event.reason }, 'tenant removed: no active installation, nothing to revoke');
    return false;
  }
  const installation = await deps.installations.get(event.platform, event.tenant).catch(() => null);
  deps.audit.record({
    actor: 'system',
    action: 'installation.revoked',
    subjectType: 'installation',
    subjectId: `${event.platform}:${event.tenant}`,
    reason: event.reason,
    data: { platform: event.platform, tenant: event.tenant, ...(installation?.accountId ? { accountId: installation.accountId } : {}) },
  });
  deps.logger?.info({ platform: event.platform, tenant: event.tenant, reason: event.reason }, 'tenant removed: installation revoked, its destinations disabled');
  return true;
}
