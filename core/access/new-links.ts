// A subscriber asks for a new personal invite link (/join): their old links are revoked and a new one sent, only while entitled.
import { entitlementOf } from '../entitlement';
import { desiredAccess } from './desired';
import { applyOutcome, callGate, gatesByPlatform } from './gates';
import type { AccessEventDeps } from './inbound';
import type { AccessOutcome, AccessPerson, AccessResource } from './ports';

/** What one resource's new link came to. */
export interface NewLinkResult {
  resourceKey: string;
  /** What kind of place: a private chat (a new invite link) or a role (given again). */
  kind: AccessResource['kind'];
  /** 'invited': a new link is on its way; 'granted'/'approved': they are in; 'failed': see detail. */
  outcome: AccessOutcome;
  /** How many old links were revoked first. */
  revoked: number;
}

/**
 * 'not_entitled': the account's plan gives no gated resource on this platform (or there is no
 * account); 'no_gate': this platform has no access gate running; 'done': one result per resource.
 */
export type NewLinksReport =
  | { status: 'not_entitled'; planName: string | null }
  | { status: 'no_gate' }
  | { status: 'done'; results: NewLinkResult[] };

/**
 * For each resource the person's entitled plan gives them on their platform: revokes every unused
 * link of theirs (on the platform and in the store), then grants again through the gate, which
 * sends a new personal link (or finds them in already). Audited as a grant with trigger 'join_command'.
 */
export async function sendNewInviteLinks(person: Pick<AccessPerson, 'platform' | 'platformUserId'>, deps: AccessEventDeps): Promise<NewLinksReport> {
  const { platform, platformUserId } = person;
  const gate = gatesByPlatform(deps.gates).get(platform);
  if (!gate) return { status: 'no_gate' };
  const account = await deps.store.findAccessAccount(platform, platformUserId);
  if (!account) return { status: 'not_entitled', planName: null };
  const now = deps.clock.now();
  const entitlement = entitlementOf(deps.plans, account.subscriptions, now);
  const grants = desiredAccess(account, entitlement)
    .filter((g) => g.holder.platform === platform && g.holder.platformUserId === platformUserId);
  if (grants.length === 0) return { status: 'not_entitled', planName: entitlement.plan.name };

  const results: NewLinkResult[] = [];
  for (const g of grants) {
    const ids = { accountId: account.accountId, platformUserId, resource: g.resourceKey };
    let revoked = 0;
    for (const { link } of await deps.store.listActiveInviteLinks({ now, platform, platformUserId, resourceKey: g.resourceKey })) {
      const revoke = gate.revokeInviteLink?.bind(gate);
      const answer = revoke ? await callGate(() => revoke(g.resource, link), deps.logger, ids) : { result: 'noop' as const };
      if (answer.result === 'failed') {
        // Kept 'active' in the store, so a later revoke (a lapse revokes every active link) tries again.
        deps.logger?.warn({ ...ids, detail: answer.detail }, 'could not revoke an old invite link');
      } else {
        // A gate that confirms revokes records them itself; otherwise the store is told here.
        const recorded = await deps.store.setInviteLinkState(link, 'revoked');
        if (answer.result === 'revoked' || recorded) revoked += 1;
      }
    }
    const reason = `asked for a new link; entitled (${entitlement.reason}, plan ${entitlement.plan.id})`;
    const outcome = await callGate(() => gate.grant(g.holder, g.resource, reason), deps.logger, ids);
    if (outcome.result === 'granted') {
      // In already: nothing changed worth an audit event each time they ask.
      await deps.store.setMembership({ platform, resourceKey: g.resourceKey, platformUserId, state: 'member' });
    } else {
      await applyOutcome(deps, { kind: 'grant', person: g.holder, resourceKey: g.resourceKey, reason, planId: entitlement.plan.id, outcome, trigger: 'join_command', actor: 'system' });
    }
    // A role the platform would not give now is the access job's to retry (it backs off, and dead-letters for the operator).
    if (outcome.result === 'failed' && outcome.code !== 'not_member' && g.resource.kind === 'role') deps.enqueue?.(account.accountId, 'join_command', 'system');
    results.push({ resourceKey: g.resourceKey, kind: g.resource.kind, outcome, revoked });
  }
  return { status: 'done', results };
}
