// Plain-text words for content every platform shows: an update's line, a rationale's text. Renderers dress them up.
import type { DigestItem, RationaleBody, Signal, SignalUpdate } from '../types';

const signed = (pct: number) => `${pct > 0 ? '+' : ''}${pct.toFixed(2)}%`;

/** e.g. "Target 1 hit at 43210 (+2.10%)", "Stopped at 41000 (-1.50%)", "Closed (+3.20%)". */
export function updateHeadline(update: SignalUpdate): string {
  const at = update.price !== undefined ? ` at ${update.price}` : '';
  const result = update.resultPct !== undefined ? ` (${signed(update.resultPct)})` : '';
  switch (update.kind) {
    case 'target_hit':
      return `Target ${update.targetIndex ?? ''}`.trimEnd() + ` hit${at}${result}`;
    case 'stopped':
      return `Stopped${at}${result}`;
    case 'closed':
      return `Closed${at}${result}`;
  }
}

/** e.g. "BTC_USDT long: Target 1 hit at 43210 (+2.10%)", with the publisher's note on its own line. */
export function updateText(signal: Signal, update: SignalUpdate): string {
  const head = `${signal.symbol} ${signal.side}: ${updateHeadline(update)}`;
  return update.note ? `${head}\n${update.note}` : head;
}

/** The alert's status after these updates, oldest first: "open", or the latest headline. */
export function signalStatus(updates: readonly SignalUpdate[]): string {
  const last = updates.at(-1);
  return last ? updateHeadline(last) : 'Open';
}

/** A rationale as plain text: the summary, then "Drivers:" and "Risks:" as dashed lists. */
export function rationaleText(body: RationaleBody): string {
  const parts = [body.summary.trim()];
  if (body.drivers.length > 0) parts.push(['Drivers:', ...body.drivers.map((d) => `- ${d}`)].join('\n'));
  if (body.risks.length > 0) parts.push(['Risks:', ...body.risks.map((r) => `- ${r}`)].join('\n'));
  return parts.join('\n\n');
}

/** The first line of a quiet-hours digest: "While quiet hours were on: 3 alerts". */
export function digestHeadline(count: number): string {
  return `While quiet hours were on: ${count} ${count === 1 ? 'alert' : 'alerts'}`;
}

/** One held alert's line: "BTC_USDT long (A) at 43000, stop 41000: Open" (its status after its updates). */
export function digestLine(item: DigestItem): string {
  const s = item.signal;
  const levels = [s.entry !== undefined ? `at ${s.entry}` : null, s.stop !== undefined ? `stop ${s.stop}` : null].filter((l) => l !== null);
  return `${s.symbol} ${s.side} (${s.band})${levels.length > 0 ? ` ${levels.join(', ')}` : ''}: ${signalStatus(item.updates)}`;
}

/** The last line of a digest that had to be cut: "… and 4 more". */
export function digestMore(count: number): string {
  return `… and ${count} more`;
}

/** What room a platform gives a digest's list: characters (as rendered, lines joined by newlines) and lines. */
export interface DigestRoom {
  chars: number;
  lines: number;
  /** How the platform renders one line (digestLine's text), to count it as sent; default: as it is. */
  render?: (line: string) => string;
}

/**
 * The digest's lines that fit the room, oldest first, and how many did not (`more`: the renderer then ends with
 * digestMore(more), whose room is kept). Many held alerts make a long list: the message stays within its limits.
 */
export function fitDigest(items: readonly DigestItem[], room: DigestRoom): { lines: string[]; more: number } {
  const render = room.render ?? ((l: string) => l);
  const lines = items.map((i) => render(digestLine(i)));
  const size = (n: number) => lines.slice(0, n).reduce((sum, l) => sum + l.length, 0) + Math.max(0, n - 1);
  if (lines.length <= room.lines && size(lines.length) <= room.chars) return { lines, more: 0 };
  // Room for the closing line at its longest (every item cut) and its newline.
  const chars = room.chars - render(digestMore(items.length)).length - 1;
  let n = 0;
  while (n < lines.length && n < room.lines - 1 && size(n + 1) <= chars) n++;
  return { lines: lines.slice(0, n), more: lines.length - n };
}

/** A digest as plain text: the headline, then one line per alert, oldest first ("… and N more" past `maxChars`). */
export function digestText(items: readonly DigestItem[], maxChars = Number.POSITIVE_INFINITY): string {
  const headline = digestHeadline(items.length);
  const { lines, more } = fitDigest(items, { chars: maxChars - headline.length - 1, lines: Number.POSITIVE_INFINITY, render: (l) => `- ${l}` });
  return [headline, ...lines, ...(more > 0 ? [digestMore(more)] : [])].join('\n');
}
