// publishSignalUpdate: checks an update once, records it for its signal once per publisher update id, and plans its deliveries where the alert went, in one transaction.
import { SignalcastError } from '../errors';
import type { PublishMeta, SignalRef, UpdateOutcome } from '../signals/ports';
import { parseSignalUpdateInput } from '../signals/validate';
import type { PublishingDeps } from './ports';

/** What recording an update needs. */
export type UpdateDeps = Pick<PublishingDeps, 'store' | 'updates' | 'transaction' | 'audit' | 'clock' | 'metrics' | 'logger'>;

/**
 * Records an outcome (target hit, stopped, closed) for a signal by id or publisher id, and in the
 * same transaction plans one delivery of it to every destination its alert was sent or is going to
 * (UpdateOutbox). `input` is checked here, once. Idempotent on publisherUpdateId: a replay returns
 * the first update and plans nothing; the same id on another signal is a conflict. An unknown
 * signal is not_found, naming it. The caller pokes the dispatcher after it returns (the commit).
 */
export function publishSignalUpdate(deps: UpdateDeps, ref: SignalRef, input: unknown, meta: PublishMeta = { publishedBy: 'system' }): UpdateOutcome {
  const update = parseSignalUpdateInput(input);
  const { store } = deps;
  const outcome = deps.transaction.run((): UpdateOutcome => {
    const signalId = store.findId(ref);
    if (signalId === undefined) {
      throw new SignalcastError('not_found', typeof ref === 'string' ? `signal ${ref} not found` : `no signal with publisher id ${JSON.stringify(ref.publisherId)}`);
    }
    if (update.publisherUpdateId !== undefined) {
      const existing = store.findUpdate(update.publisherUpdateId);
      if (existing && existing.signalId !== signalId) {
        throw new SignalcastError('conflict', `update ${update.publisherUpdateId} was already recorded for another signal (${existing.signalId})`);
      }
      if (existing) return { update: existing, duplicate: true, planned: deps.updates.plannedCount(existing.id) };
    }
    const now = deps.clock.now();
    const stored = store.insertUpdate({ signalId, update, createdAt: now });
    const planned = deps.updates.plan(signalId, stored, now);
    deps.audit.record({ actor: meta.publishedBy, action: 'signal.updated', subjectType: 'signal', subjectId: signalId, data: { updateId: stored.id, kind: stored.kind, planned } });
    return { update: stored, duplicate: false, planned };
  });
  if (!outcome.duplicate) {
    deps.metrics.deliveriesPlanned(outcome.planned, 0);
    deps.logger.info({ signalId: outcome.update.signalId, updateId: outcome.update.id, kind: outcome.update.kind, planned: outcome.planned }, 'signal update published');
  }
  return outcome;
}
