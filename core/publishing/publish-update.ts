// publishSignalUpdate: checks an update once, records it for its signal once per publisher update id, supersedes what a stop or close makes moot, and plans its deliveries where the alert went, in one transaction.
import { SignalcastError } from '../errors';
import type { PublishMeta, SignalRef, UpdateOutcome } from '../signals/ports';
import { parseSignalUpdateInput } from '../signals/validate';
import type { PlatformName } from '../types';
import type { PublishingDeps } from './ports';

/** What recording an update needs. */
export type UpdateDeps = Pick<PublishingDeps, 'store' | 'updates' | 'transaction' | 'audit' | 'clock' | 'metrics' | 'logger'>;

/**
 * Records an outcome (target hit, stopped, closed) for a signal by id or publisher id, and in the
 * same transaction plans it through the UpdateOutbox: a stop or close first supersedes what of the
 * signal has not gone (alerts pending or held, rationales waiting or pending; its planning job is
 * cancelled) and is planned where the alert is sending or sent; a target hit is also planned where
 * the alert is on its way. `input` is checked here, once. Idempotent on publisherUpdateId: a replay
 * returns the first update and its first counts and changes nothing; the same id on another signal
 * is a conflict. An unknown signal is not_found, naming it. After the commit the superseded rows are
 * counted per platform; the caller pokes the dispatcher.
 */
export function publishSignalUpdate(deps: UpdateDeps, ref: SignalRef, input: unknown, meta: PublishMeta = { publishedBy: 'system' }): UpdateOutcome {
  const update = parseSignalUpdateInput(input);
  const { store } = deps;
  let byPlatform: Readonly<Record<PlatformName, number>> = {};
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
      if (existing) return { update: existing, duplicate: true, ...deps.updates.firstCounts(existing) };
    }
    const now = deps.clock.now();
    const stored = store.insertUpdate({ signalId, update, createdAt: now });
    const plan = deps.updates.plan(signalId, stored, now);
    byPlatform = plan.superseded;
    const superseded = Object.values(plan.superseded).reduce((sum, n) => sum + n, 0);
    deps.audit.record({ actor: meta.publishedBy, action: 'signal.updated', subjectType: 'signal', subjectId: signalId, data: { updateId: stored.id, kind: stored.kind, planned: plan.planned, superseded } });
    return { update: stored, duplicate: false, planned: plan.planned, superseded };
  });
  if (!outcome.duplicate) {
    deps.metrics.deliveriesPlanned(outcome.planned, 0);
    for (const [platform, n] of Object.entries(byPlatform)) deps.metrics.deliveriesSuperseded(platform, n);
    deps.logger.info({
      signalId: outcome.update.signalId, updateId: outcome.update.id, kind: outcome.update.kind, planned: outcome.planned, superseded: outcome.superseded,
    }, 'signal update published');
  }
  return outcome;
}
