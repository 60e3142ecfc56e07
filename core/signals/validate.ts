// Validation of signal and update input, shared by the HTTP API and the CLI.
import { z } from 'zod';
import { ValidationError } from '../errors';
import { SIDES, SIGNAL_UPDATE_KINDS, type SignalInput, type SignalUpdateInput } from '../types';
import { toFieldIssues } from './field-issues';
import { setFields } from './set-fields';

/** A list with a length rule that still reports each bad item (zod's .max would hide them). */
function listOf<T extends z.ZodType>(item: T, min: number, max: number) {
  return z.array(item).superRefine((list, ctx) => {
    if (list.length < min) ctx.addIssue({ code: 'custom', message: `expected at least ${min} item${min === 1 ? '' : 's'}` });
    if (list.length > max) ctx.addIssue({ code: 'custom', message: `expected at most ${max} items` });
  });
}

/** A UTF-16 half without its other half: what a `\ud800` escape in JSON decodes to. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** NUL and the other control characters, except tab, line feed and carriage return. */
const CONTROL = /(?![\t\n\r])\p{Cc}/u;
/** A character that shows: not a space, a control or a format character (zero-width space, joiners, BOM...). */
const VISIBLE = /[^\s\p{Cc}\p{Cf}\p{Z}]/u;

/** Text that can be stored and shown: well-formed, free of control characters, with something visible in it. */
function clean(value: string, ctx: z.core.$RefinementCtx<string>): void {
  if (value.length === 0) return; // the length rule says so already
  if (value.includes('\u0000')) ctx.addIssue({ code: 'custom', message: 'contains a NUL character' });
  else if (CONTROL.test(value)) ctx.addIssue({ code: 'custom', message: 'contains a control character' });
  if (LONE_SURROGATE.test(value)) ctx.addIssue({ code: 'custom', message: 'contains a lone surrogate (\\ud800-\\udfff without its pair): not valid Unicode text' });
  if (!VISIBLE.test(value)) ctx.addIssue({ code: 'custom', message: 'expected visible characters, not only spaces or invisible ones' });
}

const text = (max: number) => z.string().min(1).max(max).superRefine(clean);
const trimmed = (max: number) => z.string().trim().min(1).max(max).superRefine(clean);
const positive = z.number().positive();
/** JSON clients often send null for "absent": treat it so. */
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

export const signalInputSchema = z.strictObject({
  publisherId: text(128),
  /** Trimmed, otherwise kept as given: tickers may hold `_`, `<` or `&`. */
  symbol: trimmed(32),
  market: trimmed(32),
  side: z.enum(SIDES),
  conviction: z.number().min(0).max(1),
  reasons: listOf(trimmed(280), 1, 10),
  persona: optional(trimmed(64)),
  entry: optional(positive),
  stop: optional(positive),
  targets: optional(listOf(positive, 0, 10)),
  horizon: optional(trimmed(32)),
  /** Whole minutes, 1 to 10080 (7 days): shortens the plans' maximum alert age for this signal (a scalp goes stale sooner). */
  maxAlertAgeMinutes: optional(z.number().int().min(1).max(10_080)),
});

export const signalUpdateInputSchema = z
  .strictObject({
    kind: z.enum(SIGNAL_UPDATE_KINDS),
    targetIndex: optional(z.number().int().min(1).max(10)),
    price: optional(positive),
    resultPct: optional(z.number().min(-100_000).max(100_000)),
    note: optional(trimmed(500)),
    publisherUpdateId: optional(text(128)),
  })
  .superRefine((u, ctx) => {
    if (u.kind === 'target_hit' && u.targetIndex === undefined) {
      ctx.addIssue({ code: 'custom', path: ['targetIndex'], message: 'required for target_hit: which target (1-based)' });
    }
    if (u.kind === 'closed' && u.resultPct === undefined) {
      ctx.addIssue({ code: 'custom', path: ['resultPct'], message: 'required for closed: the result in percent' });
    }
  });

function parseWith<T>(schema: z.ZodType<T>, input: unknown): T {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ValidationError([{ field: '(input)', message: 'expected a JSON object' }]);
  }
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(toFieldIssues(result.error, input));
  return result.data;
}

declare const checkedSignal: unique symbol;
declare const checkedUpdate: unique symbol;

/** A signal that parseSignalInput accepted: the only input the signal store takes, so nothing parses it twice. */
export type CheckedSignalInput = SignalInput & { readonly [checkedSignal]: true };

/** An update that parseSignalUpdateInput accepted. */
export type CheckedSignalUpdate = SignalUpdateInput & { readonly [checkedUpdate]: true };

/** Validates a signal; throws a ValidationError naming every bad or unknown field. */
export function parseSignalInput(input: unknown): CheckedSignalInput {
  const s = parseWith(signalInputSchema, input);
  return {
    publisherId: s.publisherId,
    symbol: s.symbol,
    market: s.market,
    side: s.side,
    conviction: s.conviction,
    reasons: s.reasons,
    ...setFields({ persona: s.persona, entry: s.entry, stop: s.stop, targets: s.targets, horizon: s.horizon, maxAlertAgeMinutes: s.maxAlertAgeMinutes }),
  } as CheckedSignalInput;
}

/** Validates a signal update (target hit, stopped, closed); same error rules as signals. */
export function parseSignalUpdateInput(input: unknown): CheckedSignalUpdate {
  const u = parseWith(signalUpdateInputSchema, input);
  return { kind: u.kind, ...setFields({ targetIndex: u.targetIndex, price: u.price, resultPct: u.resultPct, note: u.note, publisherUpdateId: u.publisherUpdateId }) } as CheckedSignalUpdate;
}
