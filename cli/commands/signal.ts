// `signalcast signal publish`: publish a signal from flags or a JSON file, through the same service as the API.
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { ValidationError, type FieldIssue } from '../../core/errors';
import type { SignalPublisher } from '../../server/routes/ingest';
import { CliError, EXIT, type CliIo } from '../io';

/** The flags as commander hands them over (all text). */
export interface PublishFlags {
  file?: string;
  publisherId?: string;
  symbol?: string;
  market?: string;
  side?: string;
  conviction?: string;
  reason?: string[];
  persona?: string;
  entry?: string;
  stop?: string;
  target?: string[];
  horizon?: string;
}

export interface SignalDeps {
  signals: SignalPublisher;
  io: CliIo;
}

const FLAG_OF: Record<string, string> = {
  publisherId: '--publisher-id', symbol: '--symbol', market: '--market', side: '--side', conviction: '--conviction',
  reasons: '--reason', persona: '--persona', entry: '--entry', stop: '--stop', targets: '--target', horizon: '--horizon',
};

/** "12.5" -> 12.5; anything else stays text so the validator names the field. */
function numeric(text: string | undefined): number | string | undefined {
  if (text === undefined) return undefined;
  return /^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text;
}

/** `reasons[1]: ...` -> `--reason #2: ...`, so the message names what the user typed. */
function toFlagIssue(issue: FieldIssue): FieldIssue {
  const m = /^(\w+)(?:\[(\d+)\])?(.*)$/.exec(issue.field);
  const flag = m?.[1] ? FLAG_OF[m[1]] : undefined;
  if (!m || !flag) return issue;
  return { field: `${flag}${m[2] !== undefined ? ` #${Number(m[2]) + 1}` : ''}${m[3] ?? ''}`, message: issue.message };
}

function fromFlags(flags: PublishFlags): Record<string, unknown> {
  const raw: Record<string, unknown> = {
    publisherId: flags.publisherId ?? `cli-${randomUUID()}`,
    symbol: flags.symbol,
    market: flags.market,
    side: flags.side,
    conviction: numeric(flags.conviction),
    reasons: flags.reason ?? [],
    persona: flags.persona,
    entry: numeric(flags.entry),
    stop: numeric(flags.stop),
    targets: flags.target?.map(numeric),
    horizon: flags.horizon,
  };
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
}

function fromFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, EXIT.usage);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CliError(`${path} is not valid JSON: ${(err as Error).message}`, EXIT.usage);
  }
}

export async function signalPublish(deps: SignalDeps, flags: PublishFlags) {
  const fieldFlags = Object.keys(FLAG_OF).filter((k) => k !== 'reasons' && k !== 'targets').some((k) => flags[k as keyof PublishFlags] !== undefined)
    || (flags.reason?.length ?? 0) > 0 || (flags.target?.length ?? 0) > 0;
  if (flags.file && fieldFlags) throw new CliError('give either --file or the signal flags, not both', EXIT.usage);

  const input = flags.file ? fromFile(flags.file) : fromFlags(flags);
  let outcome;
  try {
    outcome = await deps.signals.publish(input, { publishedBy: 'cli' });
  } catch (err) {
    if (err instanceof ValidationError && !flags.file) throw new ValidationError(err.issues.map(toFlagIssue));
    throw err;
  }
  const s = outcome.signal;
  if (outcome.duplicate) {
    deps.io.out(`Already published: publisher id "${s.publisherId}" is signal ${s.id}; nothing new was created.`);
  } else {
    deps.io.out(`Published ${s.id} (publisher id "${s.publisherId}"): ${s.symbol} ${s.side}, conviction ${s.conviction} (band ${s.band}).`);
    deps.io.out(outcome.planning === 'done'
      ? `${outcome.planned} deliveries planned, ${outcome.skipped} skipped.`
      : `${outcome.planned} deliveries planned, ${outcome.skipped} skipped so far: the running service plans the rest of its ${outcome.candidates} candidates in chunks.`);
    for (const [platform, e] of Object.entries(outcome.estimates)) {
      deps.io.out(`${platform}: ${e.candidates} candidates, about ${e.seconds} s to reach them all at the configured rate.`);
    }
  }
  return outcome;
}
