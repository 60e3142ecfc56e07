// Checks a model's answer before anyone sees it: it parses, it says something, it fits, and it does not contradict the signal.
import type { RationaleBody, Signal } from '../types';
import { RATIONALE_LIMITS } from './prompt';

export type CheckResult = { ok: true; body: RationaleBody } | { ok: false; reason: 'unparsable' | 'empty' | 'contradiction'; detail: string };

const fail = (reason: 'unparsable' | 'empty' | 'contradiction', detail: string): CheckResult => ({ ok: false, reason, detail });

/** Words that name a side as the call. "short-term", "long-term", "short squeeze" name none. */
const CALL_WORDS: Record<'long' | 'short', RegExp> = {
  long: /\b(long(?![- ](term|run|wick))|buy(ing)?|bullish)\b/i,
  short: /\b(short(?![- ](term|run|squeeze|lived|wick))|shorting|sell(ing)?|bearish)\b/i,
};

/** Upper-case words that are not market symbols (indicators, institutions, units). */
const NOT_SYMBOLS = new Set([
  'USD', 'USDT', 'USDC', 'EUR', 'RSI', 'EMA', 'SMA', 'MA', 'MACD', 'ATR', 'VWAP', 'ETF', 'CPI', 'PPI', 'FOMC', 'FED', 'GDP', 'US', 'EU', 'UK',
  'AI', 'API', 'JSON', 'TP', 'SL', 'ATH', 'ATL', 'OI', 'PNL', 'ROI', 'BTC.D', 'DXY', 'NFP', 'SEC', 'CEO', 'Q1', 'Q2', 'Q3', 'Q4', 'OK', 'A', 'B', 'C',
]);
const QUOTES = ['USDT', 'USDC', 'BUSD', 'USD', 'EUR', 'BTC', 'ETH', 'PERP'];
/** Quotes that never name what a signal is about. */
const FIAT = new Set(['USDT', 'USDC', 'BUSD', 'USD', 'EUR', 'PERP']);

/** The symbol's parts that name it: "BTC_USDT" → BTC, USDT, BTC_USDT; "BTCUSDT" → BTCUSDT, BTC, USDT. */
export function symbolNames(symbol: string): Set<string> {
  const upper = symbol.toUpperCase();
  const names = new Set([upper, ...upper.split(/[_/:\-. ]+/).filter((p) => p !== '')]);
  for (const q of QUOTES) {
    if (upper.length > q.length && upper.endsWith(q)) names.add(upper.slice(0, -q.length)).add(q);
  }
  return names;
}

/** The ticker-like words of a text: "ETH", "SOL/USDT", "BTC_USDT". */
function tickers(text: string): string[] {
  return (text.match(/\b[A-Z][A-Z0-9]{1,9}(?:[_/-][A-Z0-9]{2,6})?\b/g) ?? []).filter((t) => !NOT_SYMBOLS.has(t));
}

function strings(v: unknown, field: string): string[] | string {
  if (!Array.isArray(v)) return `${field} is not a list`;
  if (!v.every((x) => typeof x === 'string')) return `${field} holds something other than text`;
  return v.map((x) => x.trim()).filter((x) => x !== '');
}

/** Parses the answer's content (a JSON text or an object) into a RationaleBody, or says why not. */
function parse(raw: unknown): CheckResult {
  let value = raw;
  if (typeof raw === 'string') {
    if (raw.trim() === '') return fail('empty', 'the answer is empty');
    try {
      value = JSON.parse(raw);
    } catch {
      return fail('unparsable', 'the answer is not JSON');
    }
  }
  if (value === null || value === undefined) return fail('empty', 'the answer is empty');
  if (typeof value !== 'object' || Array.isArray(value)) return fail('unparsable', 'the answer is not an object');
  const o = value as Record<string, unknown>;
  if (typeof o.summary !== 'string') return fail('unparsable', 'summary is not text');
  const drivers = strings(o.drivers, 'drivers');
  const risks = strings(o.risks, 'risks');
  if (typeof drivers === 'string') return fail('unparsable', drivers);
  if (typeof risks === 'string') return fail('unparsable', risks);
  return { ok: true, body: { summary: o.summary.trim(), drivers, risks } };
}

function fits(body: RationaleBody): CheckResult {
  const { summaryChars, itemChars, items } = RATIONALE_LIMITS;
  if (body.summary === '') return fail('empty', 'the summary is empty');
  if (body.summary.length > summaryChars) return fail('unparsable', `the summary is longer than ${summaryChars} characters`);
  for (const [field, list] of [['drivers', body.drivers], ['risks', body.risks]] as const) {
    if (list.length > items) return fail('unparsable', `${field} has more than ${items} points`);
    if (list.some((x) => x.length > itemChars)) return fail('unparsable', `a point of ${field} is longer than ${itemChars} characters`);
  }
  return { ok: true, body };
}

/**
 * Whether the answer contradicts the signal: its summary or drivers call the opposite side, or its
 * summary is about another symbol (names one and never the signal's). Risks may speak of either side.
 */
function contradiction(body: RationaleBody, signal: Signal): string | null {
  const claim = [body.summary, ...body.drivers].join('\n');
  if (signal.side !== 'close') {
    const opposite = signal.side === 'long' ? 'short' : 'long';
    const m = CALL_WORDS[opposite].exec(claim);
    if (m) return `it calls "${m[0]}" on a ${signal.side} signal`;
  }
  const ours = new Set([...symbolNames(signal.symbol)].filter((n) => !FIAT.has(n)));
  const isOurs = (t: string) => [...symbolNames(t)].some((n) => ours.has(n));
  const named = tickers(body.summary);
  const other = named.find((t) => !isOurs(t));
  if (other && !named.some(isOurs)) return `its summary is about ${other}, not ${signal.symbol}`;
  return null;
}

/** The answer as a RationaleBody (trimmed), or why it is discarded: unparsable, empty, or a contradiction. */
export function checkAnswer(raw: unknown, signal: Signal): CheckResult {
  const parsed = parse(raw);
  if (!parsed.ok) return parsed;
  const fitting = fits(parsed.body);
  if (!fitting.ok) return fitting;
  const why = contradiction(parsed.body, signal);
  return why ? fail('contradiction', why) : fitting;
}
