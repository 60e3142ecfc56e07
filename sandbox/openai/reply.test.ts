// The emulated model's words: the symbol and side read from a prompt, and JSON that fits each schema shape.
import { describe, expect, it } from 'vitest';
import { findSide, findSymbol, schemaReply, textReply, type ReplySchema } from './reply';

describe('reading the prompt', () => {
  it('takes the symbol and side from labelled fields, in text or JSON', () => {
    expect(findSymbol('Symbol: BTC/USDT\nSide: sell')).toBe('BTC/USDT');
    expect(findSide('Symbol: BTC/USDT\nSide: sell')).toBe('short');
    expect(findSymbol('{"symbol":"AAPL","side":"buy"}')).toBe('AAPL');
    expect(findSide('{"symbol":"AAPL","side":"buy"}')).toBe('long');
  });

  it('falls back to the first ticker-like word and the first side word, and to nothing when there is none', () => {
    expect(findSymbol('Explain why a LONG on EURUSD makes sense')).toBe('EURUSD');
    expect(findSide('Explain why a LONG on EURUSD makes sense')).toBe('long');
    expect(findSymbol('no tickers here')).toBeUndefined();
    expect(findSide('no direction here')).toBeUndefined();
  });

  it('writes a summary naming the symbol and side and never the other side', () => {
    for (const symbol of ['ETHUSDT', 'SOLUSDT', 'TSLA', 'XAUUSD']) {
      const text = textReply([{ role: 'user', content: `Symbol: ${symbol}\nSide: short` }]);
      expect(text).toContain(symbol);
      expect(text).toContain('short');
      expect(text).not.toMatch(/\blong\b/);
    }
  });
});

describe('answering a JSON schema', () => {
  const messages = [{ role: 'user', content: 'Symbol: NVDA side: long' }];

  it('fills every property with its type: strings, arrays within their bounds, numbers within theirs, enums, booleans', () => {
    const schema: ReplySchema = {
      type: 'object',
      properties: {
        summary: { type: 'string' },
        drivers: { type: 'array', items: { type: 'string' }, minItems: 3, maxItems: 3 },
        risks: { type: 'array', items: { type: 'string' }, maxItems: 1 },
        confidence: { type: 'integer', minimum: 1, maximum: 5 },
        tone: { type: 'string', enum: ['calm', 'urgent'] },
        agrees: { type: 'boolean' },
        side: { type: 'string' },
        note: { anyOf: [{ type: 'null' }, { type: 'string' }] },
      },
    };
    const value = JSON.parse(schemaReply(messages, schema)) as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(Object.keys(schema.properties ?? {}));
    expect(value.summary).toEqual(expect.stringContaining('NVDA'));
    expect(value.drivers).toHaveLength(3);
    expect(value.risks).toHaveLength(1);
    expect(value.confidence).toBeGreaterThanOrEqual(1);
    expect(value.confidence).toBeLessThanOrEqual(5);
    expect(Number.isInteger(value.confidence)).toBe(true);
    expect(['calm', 'urgent']).toContain(value.tone);
    expect(typeof value.agrees).toBe('boolean');
    expect(value.side).toBe('long');
    expect(typeof value.note).toBe('string');
  });

  it('follows local $refs, and names a $ref it cannot resolve', () => {
    const schema: ReplySchema = { type: 'object', properties: { point: { $ref: '#/$defs/Point' } }, $defs: { Point: { type: 'object', properties: { text: { type: 'string' } } } } };
    expect(JSON.parse(schemaReply(messages, schema))).toEqual({ point: { text: expect.any(String) } });
    expect(() => schemaReply(messages, { $ref: '#/$defs/Missing' })).toThrow('cannot resolve $ref #/$defs/Missing');
  });
});
