// `signalcast signal update`: record a signal's update (target hit, stopped, closed) and plan it for those who got the alert, through the same service as the API.
import { ValidationError, type FieldIssue } from '../../core/errors';
import type { SignalRef } from '../../core/signals/ports';
import type { SignalPublisher } from '../../server/routes/ingest';
import type { CliIo } from '../io';

/** The flags as commander hands them over (all text). */
export interface UpdateFlags {
  kind?: string;
  byPublisherId?: boolean;
  targetIndex?: string;
  price?: string;
  resultPct?: string;
  note?: string;
  updateId?: string;
}

export interface SignalUpdateDeps {
  signals: SignalPublisher;
  io: CliIo;
}

const FLAG_OF: Record<string, string> = {
  kind: '--kind', targetIndex: '--target-index', price: '--price', resultPct: '--result-pct', note: '--note', publisherUpdateId: '--update-id',
};

/** "12.5" -> 12.5; anything else stays text so the validator names the field. */
function numeric(text: string | undefined): number | string | undefined {
  if (text === undefined) return undefined;
  return /^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text;
}

const toFlagIssue = (issue: FieldIssue): FieldIssue => ({ field: FLAG_OF[issue.field] ?? issue.field, message: issue.message });

/** Records the update (once per --update-id) and prints how many deliveries it was planned for; the service's dispatcher sends them. */
export async function signalUpdate(deps: SignalUpdateDeps, signal: string, flags: UpdateFlags) {
  const raw: Record<string, unknown> = {
    kind: flags.kind, targetIndex: numeric(flags.targetIndex), price: numeric(flags.price), resultPct: numeric(flags.resultPct), note: flags.note, publisherUpdateId: flags.updateId,
  };
  const input = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const ref: SignalRef = flags.byPublisherId ? { publisherId: signal } : signal;
  let outcome;
  try {
    outcome = await deps.signals.addUpdate(ref, input, { publishedBy: 'cli' });
  } catch (err) {
    if (err instanceof ValidationError) throw new ValidationError(err.issues.map(toFlagIssue));
    throw err;
  }
  const { update } = outcome;
  if (outcome.duplicate) {
    deps.io.out(`Already recorded: update id "${update.publisherUpdateId ?? ''}" is update ${update.id} of ${update.signalId}; nothing new was planned or superseded.`);
  } else {
    const superseded = update.kind === 'target_hit' ? '' : ` ${outcome.superseded} unsent alerts and rationales superseded: they will not be sent.`;
    deps.io.out(`Recorded ${update.kind} (${update.id}) for ${update.signalId}: ${outcome.planned} deliveries planned, one where its alert went.${superseded}`);
  }
  return outcome;
}
