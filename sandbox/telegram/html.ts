// Telegram's HTML parse mode: turns `<b>x</b>` into plain text plus entities (UTF-16 offsets), or
// fails with the "can't parse entities" detail Telegram gives, with its byte offsets.
import type { MessageEntity } from 'grammy/types';

/** The part of Telegram's message that follows "Bad Request: can't parse entities: ". */
export class EntityParseError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'EntityParseError';
  }
}

export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

interface OpenTag {
  tag: string;
  start: number;
  /** The entity the tag makes when it closes; undefined for one that makes none. */
  entity: Omit<MessageEntity, 'offset' | 'length'> | undefined;
}

const SIMPLE_TAGS: Record<string, MessageEntity['type']> = {
  b: 'bold', strong: 'bold', i: 'italic', em: 'italic', u: 'underline', ins: 'underline',
  s: 'strikethrough', strike: 'strikethrough', del: 'strikethrough', 'tg-spoiler': 'spoiler',
};
const OTHER_TAGS = new Set(['a', 'span', 'code', 'pre', 'blockquote', 'tg-emoji', 'tg-time']);
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };
const ENTITY_AT = /^&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z]+));/i;

function byteOffset(input: string, index: number): number {
  return Buffer.byteLength(input.slice(0, index), 'utf8');
}

/** Decodes the character reference at `i`, or returns undefined when there is none. */
function decodeEntity(input: string, i: number): { char: string; length: number } | undefined {
  const m = ENTITY_AT.exec(input.slice(i, i + 12));
  if (!m) return undefined;
  if (m[3] !== undefined) {
    const char = NAMED_ENTITIES[m[3]];
    return char === undefined ? undefined : { char, length: m[0].length };
  }
  const code = m[1] !== undefined ? Number(m[1]) : parseInt(m[2] ?? '', 16);
  if (code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
  return { char: String.fromCodePoint(code), length: m[0].length };
}

function decodeAttribute(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const entity = value[i] === '&' ? decodeEntity(value, i) : undefined;
    if (entity) {
      out += entity.char;
      i += entity.length - 1;
    } else {
      out += value[i];
    }
  }
  return out;
}

/** Reads `name="v" name='v' name=v name` up to the closing '>' of a start tag. */
function readAttributes(input: string, from: number, tagAt: number): { attrs: Map<string, string>; end: number } {
  const attrs = new Map<string, string>();
  const unclosed = () => new EntityParseError(`Unclosed start tag at byte offset ${byteOffset(input, tagAt)}`);
  let i = from;
  for (;;) {
    while (i < input.length && /\s/.test(input[i] ?? '')) i++;
    if (i >= input.length) throw unclosed();
    if (input[i] === '>') return { attrs, end: i + 1 };
    const nameStart = i;
    while (i < input.length && /[^\s=>]/.test(input[i] ?? '')) i++;
    const name = input.slice(nameStart, i).toLowerCase();
    if (input[i] !== '=') {
      attrs.set(name, '');
      continue;
    }
    i++;
    const quote = input[i];
    if (quote === '"' || quote === "'") {
      const close = input.indexOf(quote, i + 1);
      if (close < 0) throw unclosed();
      attrs.set(name, decodeAttribute(input.slice(i + 1, close)));
      i = close + 1;
    } else {
      const valueStart = i;
      while (i < input.length && /[^\s>]/.test(input[i] ?? '')) i++;
      attrs.set(name, decodeAttribute(input.slice(valueStart, i)));
    }
  }
}

function entityFor(tag: string, attrs: Map<string, string>, parent: OpenTag | undefined, at: string): OpenTag['entity'] {
  const simple = SIMPLE_TAGS[tag];
  if (simple) return { type: simple } as OpenTag['entity'];
  switch (tag) {
    case 'a': {
      const href = attrs.get('href');
      return href ? ({ type: 'text_link', url: href } as OpenTag['entity']) : undefined;
    }
    case 'span':
      if (attrs.get('class') !== 'tg-spoiler') throw new EntityParseError(`Tag "span" must have class "tg-spoiler" at byte offset ${at}`);
      return { type: 'spoiler' } as OpenTag['entity'];
    case 'code': {
      const language = /^language-(.+)$/.exec(attrs.get('class') ?? '')?.[1];
      // <pre><code class="language-x"> is one pre entity with a language.
      if (parent?.tag === 'pre' && parent.entity && language) {
        (parent.entity as { language?: string }).language = language;
        return undefined;
      }
      return { type: 'code' } as OpenTag['entity'];
    }
    case 'pre':
      return { type: 'pre' } as OpenTag['entity'];
    case 'blockquote':
      return { type: attrs.has('expandable') ? 'expandable_blockquote' : 'blockquote' } as OpenTag['entity'];
    case 'tg-emoji': {
      const id = attrs.get('emoji-id');
      if (!id) throw new EntityParseError(`Custom emoji entity must have the "emoji-id" attribute at byte offset ${at}`);
      return { type: 'custom_emoji', custom_emoji_id: id } as OpenTag['entity'];
    }
    case 'tg-time': {
      const unix = Number(attrs.get('unix'));
      if (!Number.isInteger(unix)) throw new EntityParseError(`Tag "tg-time" must have a valid "unix" attribute at byte offset ${at}`);
      const format = attrs.get('format');
      return { type: 'date_time', unix_time: unix, ...(format ? { date_time_format: format } : {}) } as OpenTag['entity'];
    }
    default:
      return undefined;
  }
}

/**
 * Parses Telegram HTML. Stricter than Telegram in one way, on purpose: a bare `&` or `>` fails
 * (Telegram's documentation requires escaping both; the server lets some through), so that an
 * escaping bug shows up in tests rather than in a subscriber's chat.
 */
export function parseHtml(input: string): FormattedText {
  let text = '';
  const entities: MessageEntity[] = [];
  const stack: OpenTag[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] ?? '';
    if (ch === '&') {
      const entity = decodeEntity(input, i);
      if (!entity) throw new EntityParseError(`Character "&" at byte offset ${byteOffset(input, i)} must be escaped as "&amp;"`);
      text += entity.char;
      i += entity.length;
      continue;
    }
    if (ch === '>') throw new EntityParseError(`Character ">" at byte offset ${byteOffset(input, i)} must be escaped as "&gt;"`);
    if (ch !== '<') {
      text += ch;
      i++;
      continue;
    }
    const at = String(byteOffset(input, i));
    if (input[i + 1] === '/') {
      const close = input.indexOf('>', i);
      if (close < 0) throw new EntityParseError(`Unclosed end tag at byte offset ${at}`);
      const open = stack.pop();
      if (!open) throw new EntityParseError(`Unexpected end tag at byte offset ${at}`);
      const name = input.slice(i + 2, close).trim().toLowerCase();
      if (name !== '' && name !== open.tag) {
        throw new EntityParseError(`Unmatched end tag at byte offset ${at}, expected "</${open.tag}>", found "</${name}>"`);
      }
      if (open.entity && text.length > open.start) {
        entities.push({ ...open.entity, offset: open.start, length: text.length - open.start } as MessageEntity);
      }
      i = close + 1;
      continue;
    }
    let nameEnd = i + 1;
    while (nameEnd < input.length && /[^\s>]/.test(input[nameEnd] ?? '')) nameEnd++;
    const tag = input.slice(i + 1, nameEnd).toLowerCase();
    if (nameEnd >= input.length) throw new EntityParseError(`Unclosed start tag at byte offset ${at}`);
    if (!SIMPLE_TAGS[tag] && !OTHER_TAGS.has(tag)) throw new EntityParseError(`Unsupported start tag "${tag}" at byte offset ${at}`);
    const { attrs, end } = readAttributes(input, nameEnd, i);
    stack.push({ tag, start: text.length, entity: entityFor(tag, attrs, stack[stack.length - 1], at) });
    i = end;
  }
  const unclosed = stack.pop();
  if (unclosed) throw new EntityParseError(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities };
}
