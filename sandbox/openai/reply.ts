// What the emulated model says: deterministic text seeded by a hash of the prompt, naming the symbol
// and side it finds there, and JSON that fits a `json_schema` response format (objects, strings,
// arrays, numbers, booleans, enums, local $refs). Token counts are estimated at four characters a token.
import { createHash } from 'node:crypto';

export interface ChatMessage {
  role: string;
  content?: unknown;
}

/** The part of a JSON schema the emulator answers to. */
export interface ReplySchema {
  type?: string | string[];
  properties?: Record<string, ReplySchema>;
  items?: ReplySchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: ReplySchema[];
  oneOf?: ReplySchema[];
  $ref?: string;
  $defs?: Record<string, ReplySchema>;
  definitions?: Record<string, ReplySchema>;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
}

/** The prompt as one text: every message's content, text parts joined. */
export function promptText(messages: ChatMessage[]): string {
  return messages
    .map((m) => {
      if (typeof m.content === 'string') return m.content;
      if (Array.isArray(m.content)) {
        return m.content.map((p: unknown) => (typeof p === 'object' && p !== null && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : '')).join(' ');
      }
      return '';
    })
    .join('\n');
}

export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** Prompt tokens as OpenAI counts them roughly: the text plus a few per message. */
export function promptTokens(messages: ChatMessage[]): number {
  return estimateTokens(promptText(messages)) + 3 * messages.length + 3;
}

const NOT_TICKERS = new Set(['USD', 'JSON', 'AI', 'API', 'OK', 'NOT', 'THE', 'AND', 'LONG', 'SHORT', 'BUY', 'SELL', 'TP', 'SL', 'ID']);

/** The symbol the prompt names: after "symbol:" when it says so, else its first ticker-like word. */
export function findSymbol(text: string): string | undefined {
  const labelled = /symbol"?\s*[:=]\s*"?([A-Za-z0-9][A-Za-z0-9./:-]{0,19})/i.exec(text);
  if (labelled?.[1]) return labelled[1].replace(/[.,]$/, '');
  const words = text.match(/\b[A-Z][A-Z0-9]{1,9}(?:[/-][A-Z]{2,6})?\b/g) ?? [];
  return words.find((w) => !NOT_TICKERS.has(w));
}

/** The side the prompt names ("side: short", or the first long/short/buy/sell), as long or short. */
export function findSide(text: string): 'long' | 'short' | undefined {
  const labelled = /side"?\s*[:=]\s*"?(long|short|buy|sell)\b/i.exec(text) ?? /\b(long|short|buy|sell)\b/i.exec(text);
  const word = labelled?.[1]?.toLowerCase();
  if (!word) return undefined;
  return word === 'long' || word === 'buy' ? 'long' : 'short';
}

const OPENINGS = ['The setup favours', 'Price action supports', 'The balance of evidence points to', 'Conditions line up for'];
const DRIVERS = ['momentum has turned with rising volume', 'price holds above the prior range', 'funding and positioning are not stretched', 'the higher timeframe trend agrees', 'volatility has compressed before a break'];
const RISKS = ['a reversal through the stop level', 'a macro release that moves the whole market', 'thin liquidity outside main sessions', 'a failed breakout that traps late entries', 'correlation with the broader index'];

/** A seeded picker: the same prompt always picks the same words. */
export class Seeded {
  private n = 0;
  private readonly digest: Buffer;

  constructor(text: string) {
    this.digest = createHash('sha256').update(text).digest();
  }

  next(): number {
    const v = this.digest[this.n % this.digest.length] ?? 0;
    this.n += 1;
    return v + this.n;
  }

  pick<T>(list: readonly T[]): T {
    return list[this.next() % list.length] as T;
  }
}

export interface ReplyContext {
  symbol: string;
  side: 'long' | 'short' | undefined;
  seed: Seeded;
}

export function replyContext(messages: ChatMessage[]): ReplyContext {
  const text = promptText(messages);
  return { symbol: findSymbol(text) ?? 'the market', side: findSide(text), seed: new Seeded(JSON.stringify(messages)) };
}

function sentence(ctx: ReplyContext, key: string): string {
  const { symbol, side, seed } = ctx;
  if (/risk/i.test(key)) return `Risk: ${seed.pick(RISKS)}.`;
  if (/driver|reason/i.test(key)) return `${symbol}: ${seed.pick(DRIVERS)}.`;
  const position = side ? `a ${side} position in ${symbol}` : `a position in ${symbol}`;
  return `${seed.pick(OPENINGS)} ${position}: ${seed.pick(DRIVERS)}, while ${seed.pick(RISKS)} is the main risk.`;
}

/** The plain text answer. */
export function textReply(messages: ChatMessage[]): string {
  return sentence(replyContext(messages), 'summary');
}

function resolve(schema: ReplySchema, root: ReplySchema): ReplySchema {
  if (!schema.$ref) return schema;
  const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(schema.$ref);
  const target = m ? (m[1] === '$defs' ? root.$defs : root.definitions)?.[m[2] ?? ''] : schema.$ref === '#' ? root : undefined;
  if (!target) throw new Error(`cannot resolve $ref ${schema.$ref}`);
  return target;
}

function valueFor(raw: ReplySchema, key: string, ctx: ReplyContext, root: ReplySchema, depth: number): unknown {
  if (depth > 8) return null;
  const schema = resolve(raw, root);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return ctx.seed.pick(schema.enum);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants?.length) {
    const chosen = variants.find((v) => resolve(v, root).type !== 'null') ?? variants[0];
    return chosen ? valueFor(chosen, key, ctx, root, depth + 1) : null;
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const type = types.find((t) => t !== 'null') ?? types[0];
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [name, child] of Object.entries(schema.properties ?? {})) out[name] = valueFor(child, name, ctx, root, depth + 1);
      return out;
    }
    case 'array': {
      const min = schema.minItems ?? 2;
      const count = Math.min(Math.max(min, 2 + (ctx.seed.next() % 2)), schema.maxItems ?? Number.POSITIVE_INFINITY);
      return Array.from({ length: count }, () => valueFor(schema.items ?? { type: 'string' }, key, ctx, root, depth + 1));
    }
    case 'number':
    case 'integer': {
      const min = schema.minimum ?? 0;
      const max = schema.maximum ?? min + 100;
      const v = min + ((ctx.seed.next() % 101) / 100) * (max - min);
      return type === 'integer' ? Math.round(v) : Math.round(v * 100) / 100;
    }
    case 'boolean':
      return ctx.seed.next() % 2 === 0;
    case 'null':
      return null;
    default:
      if (/^symbol$/i.test(key)) return ctx.symbol;
      if (/^(side|direction)$/i.test(key)) return ctx.side ?? 'long';
      return sentence(ctx, key);
  }
}

/** A JSON text that fits `schema`, with sentences about the prompt's symbol and side. */
export function schemaReply(messages: ChatMessage[], schema: ReplySchema): string {
  return JSON.stringify(valueFor(schema, 'summary', replyContext(messages), schema, 0));
}
