// publishSignalUpdate: checks an update once and records it for its signal, once per publisher update id, with its audit event.
import { SignalcastError } from '../errors';
import type { PublishMeta, SignalRef, UpdateOutcome } from '../signals/ports';
import { parseSignalUpdateInput } from '../signals/validate';
import type { PublishingDeps } from './ports';

/** What recording an update needs. */
export type UpdateDeps = Pick<PublishingDeps, 'store' | 'transaction' | 'audit' | 'clock'>;

/**
 * Records an outcome (target hit, stopped, closed) for a signal by id or publisher id. `input` is
 * checked here, once. Idempotent on publisherUpdateId: a replay returns the first update; the same
 * id on another signal is a conflict. An unknown signal is not_found, naming it.
 */
export function publishSignalUpdate(deps: UpdateDeps, ref: SignalRef, input: unknown, meta: PublishMeta = { publishedBy: 'system' }): UpdateOutcome {
  const update = parseSignalUpdateInput(input);
  const { store } = deps;
  return deps.transaction.run((): UpdateOutcome => {
    const signalId = store.findId(ref);
    if (signalId === undefined) {
      throw new SignalcastError('not_found', typeof ref === 'string' ? `signal ${ref} not found` : `no signal with publisher id ${JSON.stringify(ref.publisherId)}`);
    }
    if (update.publisherUpdateId !== undefined) {
      const existing = store.findUpdate(update.publisherUpdateId);
      if (existing && existing.signalId !== signalId) {
        throw new SignalcastError('conflict', `update ${update.publisherUpdateId} was already recorded for another signal (${existing.signalId})`);
      }
      if (existing) return { update: existing, duplicate: true };
    }
    const stored = store.insertUpdate({ signalId, update, createdAt: deps.clock.now() });
    deps.audit.record({ actor: meta.publishedBy, action: 'signal.updated', subjectType: 'signal', subjectId: signalId, data: { updateId: stored.id, kind: stored.kind } });
    return { update: stored, duplicate: false };
  });
}
