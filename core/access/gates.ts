// Calling access gates safely and recording what they did: the audit event and the tracked membership.
import type { AuditLog } from '../audit';
import type { Logger } from '../logger';
import type { PlatformName } from '../types';
import type { AccessActionKind } from './actions';
import type { AccessGate, AccessOutcome, AccessPerson } from './ports';
import type { AccessStore, MembershipState } from './store';

/** Gates by platform: a map, or a list (one gate per platform). */
export type AccessGates = ReadonlyMap<PlatformName, AccessGate> | readonly AccessGate[];

export function gatesByPlatform(gates: AccessGates): ReadonlyMap<PlatformName, AccessGate> {
  if (gates instanceof Map) return gates;
  return new Map((gates as readonly AccessGate[]).map((g) => [g.platform, g]));
}

/** Runs one gate call; a gate that throws (it should not) becomes a failed outcome. */
export async function callGate(run: () => Promise<AccessOutcome>, logger: Logger | undefined, ids: Record<string, unknown>): Promise<AccessOutcome> {
  try {
    return await run();
  } catch (err) {
    logger?.error({ err, ...ids }, 'access gate threw instead of reporting an outcome');
    return { result: 'failed', detail: err instanceof Error ? err.message : String(err) };
  }
}

const VERBS: Record<AccessActionKind, { done: string; verb: string }> = {
  grant: { done: 'granted', verb: 'grant' },
  approve: { done: 'granted', verb: 'grant' },
  revoke: { done: 'revoked', verb: 'revoke' },
  decline: { done: 'declined', verb: 'decline' },
  revoke_link: { done: 'invite_link_revoked', verb: 'invite_link_revoke' },
};

/**
 * 'access.granted', 'access.revoked', 'access.declined', 'access.invite_link_revoked' (a used link
 * withdrawn; the membership is untouched); '..._failed' when the platform refused.
 */
export function auditAction(kind: AccessActionKind, outcome: AccessOutcome): string {
  const { done, verb } = VERBS[kind];
  return outcome.result === 'failed' ? `access.${verb}_failed` : `access.${done}`;
}

export interface AccessRecord {
  kind: AccessActionKind;
  person: AccessPerson;
  resourceKey: string;
  reason: string;
  planId: string | null;
  outcome: AccessOutcome;
  /** What set it off: 'reconcile', 'subscription', 'join_request', ... */
  trigger: string;
  actor: string;
  /** revoke_link: the link's id (never its URL). */
  inviteLinkId?: string | undefined;
}

/** Writes the audit event for one gate call. The invite link itself stays out of the trail: it is a key to the chat. */
export function recordAccess(audit: AuditLog, r: AccessRecord): void {
  const subject = r.person.accountId
    ? { subjectType: 'account', subjectId: r.person.accountId }
    : { subjectType: 'identity', subjectId: `${r.person.platform}:${r.person.platformUserId}` };
  audit.record({
    actor: r.actor,
    action: auditAction(r.kind, r.outcome),
    ...subject,
    reason: r.reason,
    data: {
      trigger: r.trigger,
      platform: r.person.platform,
      platformUserId: r.person.platformUserId,
      resource: r.resourceKey,
      planId: r.planId,
      result: r.outcome.result,
      ...(r.inviteLinkId ? { inviteLinkId: r.inviteLinkId } : {}),
      ...(r.outcome.detail ? { detail: r.outcome.detail } : {}),
      ...(r.outcome.code ? { code: r.outcome.code } : {}),
    },
  });
}

/** The membership an outcome implies, when it implies one; withdrawing a link implies none. */
export function membershipAfter(kind: AccessActionKind, outcome: AccessOutcome): MembershipState | null {
  if (kind === 'revoke_link') return null;
  if (outcome.holds === true) return 'member';
  if (outcome.holds === false) return kind === 'revoke' ? 'removed' : 'left';
  switch (outcome.result) {
    case 'granted':
    case 'approved':
      return 'member';
    case 'revoked':
      return kind === 'decline' ? 'left' : 'removed';
    default:
      return null;
  }
}

/**
 * Moves the tracked membership as the outcome implies and records the change in the audit trail.
 * A no-op (an administrator left alone, nobody to remove) changed nothing, so it is not recorded:
 * a scheduled run would otherwise repeat it every time.
 */
export async function applyOutcome(deps: { store: AccessStore; audit: AuditLog }, r: AccessRecord): Promise<void> {
  const state = membershipAfter(r.kind, r.outcome);
  if (state) await deps.store.setMembership({ platform: r.person.platform, resourceKey: r.resourceKey, platformUserId: r.person.platformUserId, state });
  if (r.outcome.result !== 'noop') recordAccess(deps.audit, r);
}
