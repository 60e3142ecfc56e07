// publishSignal: checks a signal once, stores it once per publisher id, plans its first chunk of deliveries and leaves the rest to a planning job, in one transaction.
import { bandOf } from '../signals/band';
import type { PublishMeta, PublishOutcome } from '../signals/ports';
import { parseSignalInput, type CheckedSignalInput } from '../signals/validate';
import type { OperatorAlert } from '../planning/types';
import { warnSlowPlatforms } from './age-warnings';
import { estimatesOf, totalOf } from './estimates';
import { warnOperator } from './operator-warnings';
import { FIRST_CHUNK_SIZE, planChunk, type ChunkResult } from './plan-chunk';
import { addExcluded } from './planning-jobs';
import type { PublishingDeps, StoredSignal } from './ports';

/**
 * Publishes a signal. `input` is taken as it came and checked here, once: bad input throws a
 * ValidationError naming every bad field, and nothing is written. Then, in one transaction:
 * returns the first outcome for a publisher id seen before (with its planning job's counts now), or
 * stores the signal, plans the first chunk of candidates (ascending destination refs, at most
 * FIRST_CHUNK_SIZE or chunkSize if smaller), writes the 'signal.published' audit event and, when candidates remain, a planning job
 * at the last ref planned, which PlanningRunner finishes after the answer. Returns after the commit;
 * metrics and logs follow a new signal only.
 */
export function publishSignal(deps: PublishingDeps, input: unknown, meta: PublishMeta): PublishOutcome {
  const checked = parseSignalInput(input);
  let alerts: readonly OperatorAlert[] = [];
  const outcome = deps.transaction.run((): PublishOutcome => {
    const existing = deps.store.findByPublisherId(checked.publisherId);
    if (existing) return replayOf(deps, existing);
    const planned = storeAndPlan(deps, checked, meta);
    alerts = planned.chunk.operatorAlerts;
    return planned.outcome;
  });

  if (!outcome.duplicate) {
    const { signal, planned, skipped, candidates, planning } = outcome;
    deps.metrics.deliveriesPlanned(planned, skipped);
    deps.logger.info({ signalId: signal.id, publisherId: signal.publisherId, planned, skipped, candidates, planning }, 'signal published');
    if (planning === 'done') deps.logger.info({ signalId: signal.id, planned, skipped, chunks: 1 }, 'signal planned');
    warnSlowPlatforms(deps.logger, signal, outcome.estimates, deps.plans);
  }
  warnOperator(deps.logger, outcome.signal.id, alerts);
  return outcome;
}

/** A publisher id seen before: the first answer, with the counts of its planning so far. */
function replayOf(deps: PublishingDeps, existing: StoredSignal): PublishOutcome {
  const first = deps.store.publishedOutcome(existing.signal.id);
  const job = deps.jobs.get(existing.ref);
  const base = { signal: existing.signal, duplicate: true, candidates: first.candidates, estimates: first.estimates };
  if (!job) return { ...base, planned: first.planned, skipped: first.skipped, planning: 'done' };
  return { ...base, planned: job.planned, skipped: job.skipped, candidates: job.candidates, planning: job.state === 'planning' ? 'in_progress' : 'done' };
}

/** Inside the transaction: the new signal, its first chunk of deliveries, its audit event and, if more remain, its planning job. */
function storeAndPlan(deps: PublishingDeps, checked: CheckedSignalInput, meta: PublishMeta): { outcome: PublishOutcome; chunk: ChunkResult } {
  const { store, candidates, jobs } = deps;
  const now = deps.clock.now();
  const stored: StoredSignal = store.insert({ input: checked, band: bandOf(checked.conviction, deps.bands), publishedBy: meta.publishedBy, createdAt: now });
  const counts = candidates.countsByPlatform();
  const total = totalOf(counts);
  const estimates = estimatesOf(counts, deps.rates);
  const chunk = planChunk(deps, stored, 0, Math.min(deps.chunkSize, FIRST_CHUNK_SIZE));
  const excluded = addExcluded({}, chunk.excludedBy);
  const { signal } = stored;
  deps.audit.record({
    actor: meta.publishedBy,
    action: 'signal.published',
    subjectType: 'signal',
    subjectId: signal.id,
    data: {
      publisherId: signal.publisherId, symbol: signal.symbol, band: signal.band, planned: chunk.planned, skipped: chunk.skipped, excluded,
      candidates: total, planning: chunk.more ? 'in_progress' : 'done', estimates,
    },
  });
  if (chunk.more) {
    jobs.insert({
      signalRef: stored.ref, state: 'planning', cursor: chunk.lastRef, candidates: total, planned: chunk.planned, skipped: chunk.skipped, excluded, createdAt: now,
    });
  }
  return {
    chunk,
    outcome: {
      signal, duplicate: false, planned: chunk.planned, skipped: chunk.skipped, candidates: total, planning: chunk.more ? 'in_progress' : 'done', estimates,
    },
  };
}
