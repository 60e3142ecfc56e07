// Someone else's personal invite link: who owns a link, the intrusion audit event, and removing whoever got in with it.
import type { AuditLog } from '../audit';
import { entitlementOf } from '../entitlement';
import { desiredAccess } from './desired';
import { applyOutcome, callGate, gatesByPlatform } from './gates';
import type { AccessEventDeps } from './inbound';
import { resourceKey, type AccessOutcome, type AccessPerson, type AccessResource } from './ports';
import type { InviteLinkRecord } from './store';

/** The personal link `inviteLink` when it was made for someone other than `person`; null when it is theirs or not a personal link. */
export async function someoneElsesLink(deps: Pick<AccessEventDeps, 'store'>, person: Pick<AccessPerson, 'platform' | 'platformUserId'>, inviteLink: string | undefined): Promise<InviteLinkRecord | null> {
  if (!inviteLink) return null;
  const owned = await deps.store.findInviteLink(person.platform, inviteLink);
  return owned && owned.platformUserId !== person.platformUserId ? owned : null;
}

/** Why the person was turned away, for the audit trail (ids only: the link itself is a key to the chat). */
export function intrusionReason(owner: InviteLinkRecord): string {
  return `came with the personal invite link of ${owner.platform}:${owner.platformUserId}${owner.accountId ? ` (account ${owner.accountId})` : ''}`;
}

/**
 * Records 'access.intruder_declined' or 'access.intruder_removed': both people's ids and the link's
 * owner, never the link.
 */
export function recordIntrusion(audit: AuditLog, r: { kind: 'declined' | 'removed'; intruder: AccessPerson; owner: InviteLinkRecord; resourceKey: string; outcome: AccessOutcome }): void {
  const subject = r.intruder.accountId
    ? { subjectType: 'account', subjectId: r.intruder.accountId }
    : { subjectType: 'identity', subjectId: `${r.intruder.platform}:${r.intruder.platformUserId}` };
  audit.record({
    actor: 'system',
    action: `access.intruder_${r.kind}`,
    ...subject,
    reason: intrusionReason(r.owner),
    data: {
      platform: r.intruder.platform,
      platformUserId: r.intruder.platformUserId,
      accountId: r.intruder.accountId,
      linkOwnerPlatformUserId: r.owner.platformUserId,
      linkOwnerAccountId: r.owner.accountId,
      resource: r.resourceKey,
      result: r.outcome.result,
      ...(r.outcome.detail ? { detail: r.outcome.detail } : {}),
    },
  });
}

/**
 * Someone came in with another person's link (a member_limit link admits the first comer): they
 * are removed at once and the link revoked (audited as an intrusion), and the link's owner, while
 * still entitled and not in, is sent a fresh link, so the payer is never locked out.
 */
export async function removeIntruder(intruder: AccessPerson, resource: AccessResource, owner: InviteLinkRecord, deps: AccessEventDeps): Promise<void> {
  const key = resourceKey(resource);
  const gate = gatesByPlatform(deps.gates).get(intruder.platform);
  const remove = gate?.removeIntruder?.bind(gate);
  const outcome: AccessOutcome = remove
    ? await callGate(() => remove(intruder, resource, owner.link), deps.logger, { platformUserId: intruder.platformUserId, resource: key })
    : { result: 'failed', detail: 'this platform cannot remove anyone' };
  // Still in when the removal failed: the reconciler's next run removes an unentitled member.
  const state = outcome.result === 'failed' || outcome.holds === true ? 'member' : 'removed';
  await deps.store.setMembership({ platform: intruder.platform, resourceKey: key, platformUserId: intruder.platformUserId, state });
  recordIntrusion(deps.audit, { kind: 'removed', intruder, owner, resourceKey: key, outcome });
  deps.logger?.warn({ platformUserId: intruder.platformUserId, linkOwner: owner.platformUserId, resource: key, result: outcome.result }, 'someone came in with another person\'s invite link');
  if (gate) await reissueToOwner(owner, resource, deps);
}

/** Sends the link's owner a fresh link when they are entitled to the resource and not in it. */
async function reissueToOwner(owner: InviteLinkRecord, resource: AccessResource, deps: AccessEventDeps): Promise<void> {
  const key = resourceKey(resource);
  const gate = gatesByPlatform(deps.gates).get(owner.platform);
  const account = await deps.store.findAccessAccount(owner.platform, owner.platformUserId);
  if (!gate || !account) return;
  const membership = await deps.store.getMembership(owner.platform, key, owner.platformUserId);
  if (membership?.state === 'member') return;
  const entitlement = entitlementOf(deps.plans, account.subscriptions, deps.clock.now());
  const grant = desiredAccess(account, entitlement)
    .find((g) => g.resourceKey === key && g.holder.platform === owner.platform && g.holder.platformUserId === owner.platformUserId);
  if (!grant) return;
  const reason = `entitled (${entitlement.reason}, plan ${entitlement.plan.id}); their link was used by someone else`;
  const outcome = await callGate(() => gate.grant(grant.holder, resource, reason), deps.logger, { accountId: account.accountId, resource: key });
  await applyOutcome(deps, { kind: 'grant', person: grant.holder, resourceKey: key, reason, planId: entitlement.plan.id, outcome, trigger: 'intrusion', actor: 'system' });
}
