// Which kinds of a signal's content are planned: an alert always; a rationale or a snapshot only once that content exists.
import { planById } from '../plans/lookup';
import type { PlansConfig } from '../plans/schema';
import type { EntitledRecipient } from '../planning/types';
import type { SignalDeliveryKind, StoredSignal } from './ports';

/**
 * The kinds beyond the alert whose content this signal has now. A rationale needs its text (none
 * is written at publish today, so none is planned); a signal carries no snapshot content
 * (snapshots are their own content type), so a signal never plans one. A kind without content is
 * not planned at all, rather than planned and failed at send time.
 */
export function extraKindsOf(signal: StoredSignal): Exclude<SignalDeliveryKind, 'alert'>[] {
  return signal.rationaleText !== null && signal.rationaleText.trim() !== '' ? ['rationale'] : [];
}

/** The recipients of an extra kind: those pending (not over a cap) whose plan includes that kind. */
export function recipientsOfKind(plans: PlansConfig, kind: Exclude<SignalDeliveryKind, 'alert'>, recipients: readonly EntitledRecipient[]): EntitledRecipient[] {
  return recipients.filter((r) => r.state === 'pending' && planById(plans, r.planId)?.[kind] === true);
}
