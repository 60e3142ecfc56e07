// Renders an OutboundMessage or a command's Reply as the plain text (and buttons) the test platform shows.
import { isActionButton, type Reply } from '../../core/inbound/types';
import type { OutboundMessage, Signal } from '../../core/types';
import { digestText, updateText } from '../../core/content/words';

/** A button in testchat's protocol. */
export type WireButton = { label: string; url: string } | { label: string; data: string };

/** The body of POST /v1/messages. */
export interface WireMessage {
  chat: string;
  text: string;
  tenant?: string;
  direct?: boolean;
  buttons?: WireButton[][] | undefined;
  reply_to?: string;
}

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
      return [`Why ${message.signal.symbol}: ${message.text}`, ...(message.disclaimer ? [message.disclaimer] : []), `#${message.signal.id}`].join('\n');
    case 'update':
      return `${updateText(message.signal, message.update)}\n#${message.signal.id}`;
    case 'snapshot':
      return [`${message.title}\n\n${message.text}`, ...(message.disclaimer ? [message.disclaimer] : [])].join('\n\n');
    case 'digest':
      return digestText(message.items);
    case 'notice':
      return [message.text, ...(message.buttons ?? []).map((b) => `${b.label}: ${b.url}`)].join('\n');
  }
}

/**
 * A reply as testchat shows it: with `buttons`, its buttons as they are; without, each link written
 * out under the text ("Label: url") and each action button offered as the words to send back
 * (its label), since nothing can be pressed. Text longer than `maxLength` is cut with an ellipsis.
 */
export function renderReply(reply: Reply, options: { buttons: boolean; maxLength: number }): { text: string; buttons?: WireButton[][] } {
  const rows = (reply.buttons ?? []).filter((row) => row.length > 0);
  const cut = (text: string) => (text.length > options.maxLength ? `${text.slice(0, options.maxLength - 1)}…` : text);
  if (options.buttons) {
    const buttons = rows.map((row) => row.map((b): WireButton => (isActionButton(b) ? { label: b.label, data: b.data } : { label: b.label, url: b.url })));
    return buttons.length > 0 ? { text: cut(reply.text), buttons } : { text: cut(reply.text) };
  }
  const lines = rows.flat().map((b) => (isActionButton(b) ? `- ${b.label}` : `${b.label}: ${b.url}`));
  return { text: cut([reply.text, ...lines].join('\n')) };
}
