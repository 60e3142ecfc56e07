// One chunk of a signal's planning: the candidates above a cursor checked and written as rows, inside the caller's transaction.
import { RecipientChecker } from '../planning/check';
import type { ExclusionReason, OperatorAlert } from '../planning/types';
import { utcDayOf } from '../planning/utc-day';
import type { PlansConfig } from '../plans/schema';
import { extraKindsOf, recipientsOfKind } from './content-kinds';
import type { PublishingDeps, StoredSignal } from './ports';

/** What one chunk came to. */
export interface ChunkResult {
  /** Candidates checked. */
  size: number;
  planned: number;
  skipped: number;
  excludedBy: ReadonlyMap<ExclusionReason, number>;
  /** The highest destination ref checked: the job's next cursor. */
  lastRef: number;
  /** Whether candidates above lastRef remain. */
  more: boolean;
  operatorAlerts: readonly OperatorAlert[];
  /** Rationale rows were written (the rationale writer has work). */
  rationales: boolean;
}

/** Plans with a daily cap: only their deliveries are counted (and indexed) for it. */
function cappedPlansOf(plans: PlansConfig): ReadonlySet<string> {
  return new Set(plans.plans.filter((p) => p.dailyCap !== null).map((p) => p.id));
}

export type ChunkDeps = Pick<PublishingDeps, 'candidates' | 'outbox' | 'plans' | 'rationales' | 'clock' | 'chunkSize'>;

/**
 * The most candidates the publish itself plans before its 202: a few milliseconds, so the answer
 * never waits for a whole chunk (PlanningRunner plans the rest, newest job first, right after).
 */
export const FIRST_CHUNK_SIZE = 500;

/**
 * Plans the candidates above `cursor` (at most `limit`, ascending refs) as of the signal's
 * publish time, so every chunk decides as the first did (due times, quiet hours, entitlements, the
 * UTC day of the cap). The daily cap counts other signals only: this signal's rows from earlier
 * chunks never push an account over. Rows are written once per (signal, destination, kind): a chunk
 * run twice writes nothing the second time.
 */
export function planChunk(deps: ChunkDeps, stored: StoredSignal, cursor: number, limit = deps.chunkSize): ChunkResult {
  const { candidates, outbox, plans } = deps;
  const publishedAt = stored.signal.createdAt.getTime();
  const now = deps.clock.now();
  const utcDay = utcDayOf(publishedAt);
  let usage: ReadonlyMap<string, number> | undefined;
  const checker = new RecipientChecker(stored.signal, {
    plans,
    now: publishedAt,
    // Read for every account at the first capped one, inside this transaction.
    usageToday: (accountId) => (usage ??= candidates.usageOn(utcDay, stored.ref)).get(accountId) ?? 0,
  });
  const cappedPlans = cappedPlansOf(plans);
  const capped = (planId: string) => cappedPlans.has(planId);
  const chunk = candidates.after(cursor, limit);
  const { recipients } = checker.check(chunk.candidates);
  outbox.write({ signal: stored, kind: 'alert', recipients, batch: chunk, capped, now, utcDay });
  let rationales = false;
  for (const kind of extraKindsOf(plans, { rationales: deps.rationales === true })) {
    const ofKind = recipientsOfKind(plans, kind, recipients);
    if (ofKind.length === 0) continue;
    outbox.write({ signal: stored, kind, recipients: ofKind, batch: chunk, capped, now, utcDay });
    if (kind === 'rationale') rationales = true;
  }
  return {
    size: chunk.size, planned: checker.planned, skipped: checker.skipped, excludedBy: checker.excludedBy, lastRef: chunk.lastRef, more: chunk.more,
    operatorAlerts: checker.operatorAlerts, rationales,
  };
}
