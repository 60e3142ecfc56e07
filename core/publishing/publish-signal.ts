// publishSignal: checks a signal once, stores it once per publisher id, and plans its deliveries and audit event in the same transaction.
import { RecipientChecker } from '../planning/check';
import type { OperatorAlert } from '../planning/types';
import { utcDayOf } from '../planning/utc-day';
import type { PlansConfig } from '../plans/schema';
import { bandOf } from '../signals/band';
import type { PublishMeta, PublishOutcome } from '../signals/ports';
import { parseSignalInput, type CheckedSignalInput } from '../signals/validate';
import { extraKindsOf, recipientsOfKind } from './content-kinds';
import { warnOperator } from './operator-warnings';
import type { PublishingDeps, StoredSignal } from './ports';

/** Plans with a daily cap: only their deliveries are counted (and indexed) for it. */
function cappedPlansOf(plans: PlansConfig): ReadonlySet<string> {
  return new Set(plans.plans.filter((p) => p.dailyCap !== null).map((p) => p.id));
}

/**
 * Publishes a signal. `input` is taken as it came and checked here, once: bad input throws a
 * ValidationError naming every bad field, and nothing is written. Then, in one transaction:
 * returns the first outcome for a publisher id seen before, or stores the signal, plans it against
 * every candidate destination, writes the deliveries and a 'signal.published' audit event.
 * Returns after the commit; metrics and logs follow a new signal only.
 */
export function publishSignal(deps: PublishingDeps, input: unknown, meta: PublishMeta): PublishOutcome {
  const checked = parseSignalInput(input);
  let alerts: readonly OperatorAlert[] = [];
  const outcome = deps.transaction.run((): PublishOutcome => {
    const existing = deps.store.findByPublisherId(checked.publisherId);
    if (existing) return { signal: existing.signal, duplicate: true, ...deps.store.plannedCounts(existing.signal.id) };
    const planned = storeAndPlan(deps, checked, meta);
    alerts = planned.alerts;
    return { signal: planned.stored.signal, duplicate: false, planned: planned.planned, skipped: planned.skipped };
  });

  if (!outcome.duplicate) {
    deps.metrics.deliveriesPlanned(outcome.planned, outcome.skipped);
    deps.logger.info({ signalId: outcome.signal.id, publisherId: outcome.signal.publisherId, planned: outcome.planned, skipped: outcome.skipped }, 'signal published');
  }
  warnOperator(deps.logger, outcome.signal.id, alerts);
  return outcome;
}

/** Inside the transaction: the new signal, its deliveries (batch by batch) and its audit event. */
function storeAndPlan(deps: PublishingDeps, checked: CheckedSignalInput, meta: PublishMeta) {
  const { store, candidates, outbox, plans, bands } = deps;
  const now = deps.clock.now();
  const stored: StoredSignal = store.insert({ input: checked, band: bandOf(checked.conviction, bands), publishedBy: meta.publishedBy, createdAt: now });
  const utcDay = utcDayOf(now);
  let usage: ReadonlyMap<string, number> | undefined;
  const checker = new RecipientChecker(stored.signal, {
    plans,
    now,
    // Read for every account at the first capped one, inside this transaction.
    usageToday: (accountId) => (usage ??= candidates.usageOn(utcDay)).get(accountId) ?? 0,
  });
  const cappedPlans = cappedPlansOf(plans);
  const capped = (planId: string) => cappedPlans.has(planId);
  const extraKinds = extraKindsOf(plans, { rationales: deps.rationales === true });
  for (const batch of candidates.batches()) {
    const { recipients } = checker.check(batch.candidates);
    outbox.write({ signal: stored, kind: 'alert', recipients, batch, capped, now, utcDay });
    for (const kind of extraKinds) {
      const ofKind = recipientsOfKind(plans, kind, recipients);
      if (ofKind.length > 0) outbox.write({ signal: stored, kind, recipients: ofKind, batch, capped, now, utcDay });
    }
  }
  const { signal } = stored;
  deps.audit.record({
    actor: meta.publishedBy,
    action: 'signal.published',
    subjectType: 'signal',
    subjectId: signal.id,
    data: {
      publisherId: signal.publisherId, symbol: signal.symbol, band: signal.band, planned: checker.planned, skipped: checker.skipped,
      excluded: Object.fromEntries(checker.excludedBy),
    },
  });
  return { stored, planned: checker.planned, skipped: checker.skipped, alerts: checker.operatorAlerts };
}
