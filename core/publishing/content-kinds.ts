// Which kinds of a signal's content are planned: an alert always; a rationale when rationales are on (written after the publish, its rows wait for it).
import { planById } from '../plans/lookup';
import type { PlansConfig } from '../plans/schema';
import type { EntitledRecipient } from '../planning/types';
import type { SignalDeliveryKind } from './ports';

/**
 * The kinds beyond the alert planned for this signal: a rationale when rationales are on and some
 * plan has them (its rows are written 'waiting', and the rationale writer releases them once it is
 * written). A signal carries no snapshot content (snapshots are their own content type), so a
 * signal never plans one.
 */
export function extraKindsOf(plans: PlansConfig, options: { rationales: boolean }): Exclude<SignalDeliveryKind, 'alert'>[] {
  return options.rationales && plans.plans.some((p) => p.rationale) ? ['rationale'] : [];
}

/** The recipients of an extra kind: those pending (not over a cap) whose plan includes that kind. */
export function recipientsOfKind(plans: PlansConfig, kind: Exclude<SignalDeliveryKind, 'alert'>, recipients: readonly EntitledRecipient[]): EntitledRecipient[] {
  return recipients.filter((r) => r.state === 'pending' && planById(plans, r.planId)?.[kind] === true);
}
