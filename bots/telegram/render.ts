// Telegram's rendering of what the core sends: HTML with every piece of publisher or user text escaped, and the same as plain text.
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { Reply, ReplyButton } from '../../core/inbound/types';
import { isActionButton } from '../../core/inbound/types';
import type { OutboundMessage, Signal } from '../../core/types';
import { updateText } from '../../core/content/words';

export const MAX_TEXT = 4096;
export const MAX_CAPTION = 1024;

/** Escapes text for Telegram HTML: `&`, `<` and `>` (all Telegram asks for outside attributes). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A piece of a line: plain text, or text in one style. Text is never markup: it is escaped when rendered. */
type Piece = string | { b: string } | { i: string } | { code: string };

function toHtml(piece: Piece): string {
  if (typeof piece === 'string') return escapeHtml(piece);
  if ('b' in piece) return `<b>${escapeHtml(piece.b)}</b>`;
  if ('i' in piece) return `<i>${escapeHtml(piece.i)}</i>`;
  return `<code>${escapeHtml(piece.code)}</code>`;
}

function toPlain(piece: Piece): string {
  return typeof piece === 'string' ? piece : 'b' in piece ? piece.b : 'i' in piece ? piece.i : piece.code;
}

/** A message in both forms: HTML to send, and plain text for when Telegram refuses the HTML. */
export interface Rendered {
  html: string;
  plain: string;
}

function render(lines: Piece[][]): Rendered {
  return { html: lines.map((l) => l.map(toHtml).join('')).join('\n'), plain: lines.map((l) => l.map(toPlain).join('')).join('\n') };
}

/** Cuts free text so that a message stays within Telegram's limits (counted before escaping). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

const SIDE_MARK: Record<Signal['side'], string> = { long: '🟢', short: '🔴', close: '⚪' };

function alertLines(signal: Signal, delayedMinutes: number | undefined): Piece[][] {
  const lines: Piece[][] = [[`${SIDE_MARK[signal.side]} `, { b: `${signal.side.toUpperCase()} ${signal.symbol}` }, ` · ${signal.market}`]];
  lines.push([`Conviction ${signal.conviction.toFixed(2)} · band ${signal.band}`]);
  const levels = [
    signal.entry !== undefined ? `Entry ${signal.entry}` : undefined,
    signal.stop !== undefined ? `Stop ${signal.stop}` : undefined,
    signal.targets?.length ? `Targets ${signal.targets.join(', ')}` : undefined,
  ].filter((l): l is string => l !== undefined);
  if (levels.length > 0) lines.push([levels.join(' · ')]);
  const context = [signal.horizon ? `Horizon ${signal.horizon}` : undefined, signal.persona ? `by ${signal.persona}` : undefined].filter((c): c is string => c !== undefined);
  if (context.length > 0) lines.push([context.join(' · ')]);
  for (const reason of signal.reasons) lines.push([`• ${reason}`]);
  if (delayedMinutes) lines.push([{ i: `Sent ${delayedMinutes} min after publication` }]);
  lines.push([{ code: signal.id }]);
  return lines;
}

/** An alert; every field the publisher wrote (symbol, market, persona, reasons, horizon) is escaped. */
export function renderAlert(signal: Signal, delayedMinutes?: number): Rendered {
  return render(alertLines(signal, delayedMinutes));
}

export function renderRationale(signal: Signal, text: string): Rendered {
  return render([[{ b: `Why ${signal.side} ${signal.symbol}` }], [clip(text, 3500)]]);
}

/** A snapshot: as a photo caption (1,024 characters at most) when it has an image, else as a message. */
export function renderSnapshot(title: string, text: string, asCaption: boolean): Rendered {
  const room = (asCaption ? MAX_CAPTION : MAX_TEXT) - title.length - 2;
  return render([[{ b: title }], [], [clip(text, Math.max(0, room))]]);
}

export function renderNotice(text: string): Rendered {
  return render(clip(text, MAX_TEXT).split('\n').map((l) => [l]));
}

/** A command's answer: its text, escaped (it may quote what the user typed). */
export function renderReplyText(reply: Reply): Rendered {
  return renderNotice(reply.text);
}

function toButton(b: ReplyButton): InlineKeyboardButton {
  return isActionButton(b) ? { text: b.label, callback_data: b.data } : { text: b.label, url: b.url };
}

/** Rows of buttons as an inline keyboard; undefined when there are none. */
export function toInlineKeyboard(rows: readonly (readonly ReplyButton[])[] | undefined): InlineKeyboardMarkup | undefined {
  const keyboard = (rows ?? []).map((row) => row.map(toButton)).filter((row) => row.length > 0);
  return keyboard.length > 0 ? { inline_keyboard: keyboard } : undefined;
}

/** What one OutboundMessage becomes on Telegram. */
export interface TelegramOutbound extends Rendered {
  keyboard?: InlineKeyboardMarkup | undefined;
  /** A reply to this message id. */
  replyTo?: number | undefined;
  /** Sent as a photo with the text as its caption. */
  photo?: Uint8Array | undefined;
  /** Sent with protect_content: it cannot be forwarded or saved. */
  protect?: boolean | undefined;
}

export function renderOutbound(message: OutboundMessage): TelegramOutbound {
  switch (message.kind) {
    case 'alert':
      return { ...renderAlert(message.signal, message.delayedMinutes), protect: message.protectContent };
    case 'rationale': {
      const replyTo = message.replyToMessageId !== undefined && /^\d+$/.test(message.replyToMessageId) ? Number(message.replyToMessageId) : undefined;
      return { ...renderRationale(message.signal, message.text), replyTo, protect: message.protectContent };
    }
    case 'update': {
      const replyTo = message.replyToMessageId !== undefined && /^\d+$/.test(message.replyToMessageId) ? Number(message.replyToMessageId) : undefined;
      return { ...renderNotice(updateText(message.signal, message.update)), replyTo, protect: message.protectContent };
    }
    case 'snapshot':
      return { ...renderSnapshot(message.title, message.text, message.chart !== undefined), photo: message.chart?.png };
    case 'notice':
      return { ...renderNotice(message.text), keyboard: toInlineKeyboard(message.buttons ? message.buttons.map((b) => [b]) : undefined) };
  }
}
