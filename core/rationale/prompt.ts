// The rationale's prompt, built from the signal's fields, and the strict JSON schema its answer must fit.
import type { Signal } from '../types';

/** What a model is asked: the instructions, the signal, and the answer's shape. */
export interface RationalePrompt {
  system: string;
  user: string;
  /** The response_format's json_schema name. */
  schemaName: string;
  /** A strict JSON schema: `{ summary, drivers[], risks[] }`, nothing else. */
  schema: Record<string, unknown>;
}

/** The answer's limits, shared with check.ts. */
export const RATIONALE_LIMITS = { summaryChars: 600, itemChars: 300, items: 6 } as const;

export const RATIONALE_SCHEMA: Record<string, unknown> = {
  type: 'object',
  properties: {
    summary: { type: 'string', description: `Two or three sentences, at most ${RATIONALE_LIMITS.summaryChars} characters, on why the trade is taken.` },
    drivers: { type: 'array', items: { type: 'string' }, description: `What drives the trade, at most ${RATIONALE_LIMITS.items} short points.` },
    risks: { type: 'array', items: { type: 'string' }, description: `What could go wrong, at most ${RATIONALE_LIMITS.items} short points.` },
  },
  required: ['summary', 'drivers', 'risks'],
  additionalProperties: false,
};

const SYSTEM = [
  'You explain trading signals to the subscribers of a signal service.',
  'Write the rationale of the signal you are given: why this trade, in plain words.',
  'Speak only of the given symbol and only in the given direction; never recommend the opposite side.',
  'Use only the facts given (the reasons and the levels); invent no prices, news or figures.',
  'Answer with JSON only: a summary, the drivers and the risks.',
].join(' ');

const fmt = (n: number) => String(n);

/** The signal's fields, one per line, labelled ("Symbol: BTC_USDT", "Side: long", ...). */
export function signalLines(signal: Signal): string[] {
  const lines = [
    `Symbol: ${signal.symbol}`,
    `Market: ${signal.market}`,
    `Side: ${signal.side}`,
    `Conviction: ${Math.round(signal.conviction * 100)}% (band ${signal.band}, A highest)`,
  ];
  if (signal.persona) lines.push(`Strategy: ${signal.persona}`);
  if (signal.horizon) lines.push(`Horizon: ${signal.horizon}`);
  if (signal.entry !== undefined) lines.push(`Entry: ${fmt(signal.entry)}`);
  if (signal.stop !== undefined) lines.push(`Stop: ${fmt(signal.stop)}`);
  if (signal.targets?.length) lines.push(`Targets: ${signal.targets.map(fmt).join(', ')}`);
  lines.push('Reasons:', ...signal.reasons.map((r) => `- ${r}`));
  return lines;
}

/** The prompt for one signal: the same signal always gives the same prompt. */
export function rationalePrompt(signal: Signal): RationalePrompt {
  return {
    system: SYSTEM,
    user: signalLines(signal).join('\n'),
    schemaName: 'rationale',
    schema: RATIONALE_SCHEMA,
  };
}
