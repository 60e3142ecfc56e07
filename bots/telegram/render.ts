// Telegram's rendering of what the core sends: HTML with every piece of publisher or user text escaped, and the same as plain text.
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { Reply, ReplyButton } from '../../core/inbound/types';
import { isActionButton } from '../../core/inbound/types';
import type { DigestItem, OutboundMessage, RationaleBody, Signal, SignalUpdate } from '../../core/types';
import { digestHeadline, digestMore, fitDigest, updateHeadline } from '../../core/content/words';

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

const LIST_ITEMS = 8;
const ITEM_CHARS = 200;
const DISCLAIMER_CHARS = 300;

/** A list under its bold name, each item clipped, at most LIST_ITEMS of them. */
function listLines(name: string, items: readonly string[]): Piece[][] {
  if (items.length === 0) return [];
  return [[], [{ b: name }], ...items.slice(0, LIST_ITEMS).map((item) => [`• ${clip(item, ITEM_CHARS)}`])];
}

const disclaimerLines = (disclaimer: string | undefined): Piece[][] => (disclaimer ? [[], [{ i: clip(disclaimer, DISCLAIMER_CHARS) }]] : []);

const plainLength = (lines: Piece[][]) => lines.reduce((n, l) => n + l.map(toPlain).join('').length + 1, 0);

/**
 * A rationale: "Why long BTC" in bold, the summary, then Drivers and Risks as lists and the
 * disclaimer in italics as the last line. The summary gets what the rest leaves of 4,096 characters.
 * A rationale without structure shows its plain text in place of the summary.
 */
export function renderRationale(signal: Signal, text: string, body?: RationaleBody, disclaimer?: string): Rendered {
  const head: Piece[][] = [[{ b: clip(`Why ${signal.side} ${signal.symbol}`, 120) }]];
  const tail = [...(body ? [...listLines('Drivers', body.drivers), ...listLines('Risks', body.risks)] : []), ...disclaimerLines(disclaimer)];
  const room = MAX_TEXT - plainLength(head) - plainLength(tail);
  return render([...head, [clip(body ? body.summary : text, Math.max(0, room))], ...tail]);
}

/** The word that marks an update (no emoji: it reads the same in every client and screen reader). */
const UPDATE_MARK: Record<SignalUpdate['kind'], string> = { target_hit: 'TARGET HIT', stopped: 'STOPPED', closed: 'CLOSED' };

/** An update: "[STOPPED] BTC long" in bold, the headline, and the publisher's note. */
export function renderUpdate(signal: Signal, update: SignalUpdate): Rendered {
  const lines: Piece[][] = [[{ b: clip(`[${UPDATE_MARK[update.kind]}] ${signal.symbol} ${signal.side}`, 160) }], [updateHeadline(update)]];
  if (update.note) lines.push([clip(update.note, MAX_TEXT - plainLength(lines) - 1)]);
  return render(lines);
}

/** A snapshot as one message (a caption of at most 1,024 characters, or a text of 4,096): the title, the text, the disclaimer in italics. */
export function renderSnapshot(title: string, text: string, asCaption: boolean, disclaimer?: string): Rendered {
  const head: Piece[][] = [[{ b: clip(title, 200) }], []];
  const tail = disclaimerLines(disclaimer);
  const room = (asCaption ? MAX_CAPTION : MAX_TEXT) - plainLength(head) - plainLength(tail);
  return render([...head, [clip(text, Math.max(0, room))], ...tail]);
}

/** Whether a snapshot's whole text (with its title and disclaimer) fits a photo's caption. */
export function fitsCaption(title: string, text: string, disclaimer?: string): boolean {
  return plainLength([[{ b: clip(title, 200) }], [], [text], ...disclaimerLines(disclaimer)]) - 1 <= MAX_CAPTION;
}

/**
 * A quiet-hours digest: the headline in bold, then one line per held alert with its status, oldest first;
 * past Telegram's 4,096 characters the rest is counted in "… and N more" (in italics).
 */
export function renderDigest(items: readonly DigestItem[]): Rendered {
  const headline = digestHeadline(items.length);
  const { lines, more } = fitDigest(items, { chars: MAX_TEXT - headline.length - 1, lines: Number.POSITIVE_INFINITY, render: (l) => `• ${l}` });
  return render([[{ b: headline }], ...lines.map((l): Piece[] => [l]), ...(more > 0 ? [[{ i: digestMore(more) }]] : [])]);
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
  /** A reply to this message id (sent even if that message is gone). */
  replyTo?: number | undefined;
  /** Sent as a photo with the text as its caption. */
  photo?: Uint8Array | undefined;
  /** Sent after the photo, as a reply to it: a snapshot whose text is longer than a caption. */
  followUp?: Rendered | undefined;
  /** Sent with protect_content: it cannot be forwarded or saved. */
  protect?: boolean | undefined;
}

/** The alert's message id, when it is one Telegram could have given (digits). */
const replyToOf = (id: string | undefined) => (id !== undefined && /^\d+$/.test(id) ? Number(id) : undefined);

function renderSnapshotOutbound(message: Extract<OutboundMessage, { kind: 'snapshot' }>): TelegramOutbound {
  const { title, text, chart, disclaimer } = message;
  if (!chart) return renderSnapshot(title, text, false, disclaimer);
  if (fitsCaption(title, text, disclaimer)) return { ...renderSnapshot(title, text, true, disclaimer), photo: chart.png };
  // Too long for a caption: the photo with the title, then the whole text as a reply to it.
  return { ...render([[{ b: clip(title, MAX_CAPTION) }]]), photo: chart.png, followUp: renderSnapshot(title, text, false, disclaimer) };
}

export function renderOutbound(message: OutboundMessage): TelegramOutbound {
  switch (message.kind) {
    case 'alert':
      return { ...renderAlert(message.signal, message.delayedMinutes), protect: message.protectContent };
    case 'rationale':
      return { ...renderRationale(message.signal, message.text, message.rationale, message.disclaimer), replyTo: replyToOf(message.replyToMessageId), protect: message.protectContent };
    case 'update':
      return { ...renderUpdate(message.signal, message.update), replyTo: replyToOf(message.replyToMessageId), protect: message.protectContent };
    case 'snapshot':
      return renderSnapshotOutbound(message);
    case 'digest':
      return { ...renderDigest(message.items), protect: message.protectContent };
    case 'notice':
      return { ...renderNotice(message.text), keyboard: toInlineKeyboard(message.buttons ? message.buttons.map((b) => [b]) : undefined) };
  }
}
