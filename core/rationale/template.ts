// The plain rationale built from the signal's own fields, used when no model answers or its answer is discarded.
import type { RationaleBody, Signal } from '../types';

const SIDE_WORDS: Record<Signal['side'], string> = { long: 'Long', short: 'Short', close: 'Close' };

/** e.g. "Long BTC_USDT (spot), band A, conviction 82%." */
function summaryOf(signal: Signal): string {
  const persona = signal.persona ? ` from the ${signal.persona} strategy` : '';
  const entry = signal.entry !== undefined ? ` from ${signal.entry}` : '';
  return `${SIDE_WORDS[signal.side]} ${signal.symbol} (${signal.market})${entry}${persona}: band ${signal.band}, conviction ${Math.round(signal.conviction * 100)}%.`;
}

function risksOf(signal: Signal): string[] {
  const risks: string[] = [];
  if (signal.stop !== undefined) risks.push(`A move through the stop at ${signal.stop} ends the trade at a loss.`);
  else if (signal.side !== 'close') risks.push('No stop level is given: size the position for a move against it.');
  if (signal.horizon) risks.push(`The call is for a ${signal.horizon} horizon; it may not hold beyond it.`);
  return risks;
}

/** Summary from side, symbol, band and conviction; drivers are the reasons; risks from the stop and horizon. */
export function templateRationale(signal: Signal): RationaleBody {
  return { summary: summaryOf(signal), drivers: signal.reasons.map((r) => r.trim()).filter((r) => r !== ''), risks: risksOf(signal) };
}
