// Renders an OutboundMessage as the plain text the test platform shows.
import type { OutboundMessage, Signal } from '../../core/types';

function alertText(signal: Signal, delayedMinutes: number | undefined): string {
  const lines = [`${signal.side.toUpperCase()} ${signal.symbol} (${signal.market}) · conviction ${signal.conviction.toFixed(2)} (band ${signal.band})`];
  const levels = [
    signal.entry !== undefined ? `entry ${signal.entry}` : undefined,
    signal.stop !== undefined ? `stop ${signal.stop}` : undefined,
    signal.targets?.length ? `targets ${signal.targets.join(', ')}` : undefined,
  ].filter(Boolean);
  if (levels.length) lines.push(levels.join(' · '));
  if (signal.horizon) lines.push(`horizon ${signal.horizon}`);
  if (signal.persona) lines.push(`by ${signal.persona}`);
  for (const reason of signal.reasons) lines.push(`- ${reason}`);
  if (delayedMinutes) lines.push(`(delayed ${delayedMinutes} min)`);
  lines.push(`#${signal.id}`);
  return lines.join('\n');
}

export function renderText(message: OutboundMessage): string {
  switch (message.kind) {
    case 'alert':
      return alertText(message.signal, message.delayedMinutes);
    case 'rationale':
      return `Why ${message.signal.symbol}: ${message.text}\n#${message.signal.id}`;
    case 'snapshot':
      return `${message.title}\n\n${message.text}`;
    case 'notice':
      return [message.text, ...(message.buttons ?? []).map((b) => `${b.label}: ${b.url}`)].join('\n');
  }
}
