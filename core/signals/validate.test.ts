import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors';
import { bandAtLeast, bandOf } from './band';
import { limitIssues } from './field-issues';
import { parseSignalInput, parseSignalUpdateInput } from './validate';

const valid = {
  publisherId: 'engine-42',
  symbol: 'BTC_USDT',
  market: 'crypto',
  side: 'long',
  conviction: 0.82,
  reasons: ['breakout above range', 'funding flipped'],
};

function issuesOf(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return Object.fromEntries((err as ValidationError).issues.map((i) => [i.field, i.message]));
  }
  throw new Error('expected a ValidationError');
}

describe('parseSignalInput', () => {
  it('accepts a valid signal and keeps only what was given', () => {
    expect(parseSignalInput(valid)).toEqual(valid);
  });

  it('trims the symbol but keeps its characters as given', () => {
    expect(parseSignalInput({ ...valid, symbol: '  a_b<c&d  ' }).symbol).toBe('a_b<c&d');
  });

  it('accepts the optional fields, and null as absent', () => {
    const s = parseSignalInput({ ...valid, persona: 'Macro Max', entry: 100.5, stop: 95, targets: [110, 120], horizon: '2w' });
    expect(s).toMatchObject({ persona: 'Macro Max', entry: 100.5, stop: 95, targets: [110, 120], horizon: '2w' });
    expect(parseSignalInput({ ...valid, persona: null, entry: null, targets: [] })).toEqual(valid);
  });

  it('takes a maximum alert age in whole minutes from 1 to 10080, and names it when it is not', () => {
    expect(parseSignalInput({ ...valid, maxAlertAgeMinutes: 5 })).toMatchObject({ maxAlertAgeMinutes: 5 });
    expect(parseSignalInput({ ...valid, maxAlertAgeMinutes: null })).toEqual(valid);
    expect(issuesOf(() => parseSignalInput({ ...valid, maxAlertAgeMinutes: 0 }))).toEqual({ maxAlertAgeMinutes: 'expected a number >= 1' });
    expect(issuesOf(() => parseSignalInput({ ...valid, maxAlertAgeMinutes: 10_081 }))).toEqual({ maxAlertAgeMinutes: 'expected a number <= 10080' });
    expect(issuesOf(() => parseSignalInput({ ...valid, maxAlertAgeMinutes: 2.5 }))).toEqual({ maxAlertAgeMinutes: expect.stringMatching(/whole number/) });
    expect(issuesOf(() => parseSignalInput({ ...valid, maxAlertAgeMinutes: '5' }))).toEqual({ maxAlertAgeMinutes: expect.stringMatching(/number/) });
  });

  it('names every bad field at once', () => {
    const issues = issuesOf(() => parseSignalInput({
      publisherId: '',
      symbol: 'X'.repeat(33),
      market: 'crypto',
      side: 'up',
      conviction: 1.5,
      reasons: ['ok', '   ', 'x'.repeat(281)],
      entry: -1,
      targets: [1, 0],
    }));
    expect(issues).toEqual({
      publisherId: 'expected at least 1 character',
      symbol: 'expected at most 32 characters',
      side: 'expected one of "long", "short", "close"',
      conviction: 'expected a number <= 1',
      'reasons[1]': 'expected at least 1 character',
      'reasons[2]': 'expected at most 280 characters',
      entry: 'expected a number > 0',
      'targets[1]': 'expected a number > 0',
    });
  });

  it('says which fields are missing', () => {
    expect(issuesOf(() => parseSignalInput({ publisherId: 'p' }))).toEqual({
      symbol: 'required: a string',
      market: 'required: a string',
      side: 'required: one of "long", "short", "close"',
      conviction: 'required: a number',
      reasons: 'required: a list',
    });
  });

  it('rejects unknown fields by name', () => {
    expect(issuesOf(() => parseSignalInput({ ...valid, price: 1, leverage: 10 }))).toEqual({ price: 'unknown field', leverage: 'unknown field' });
  });

  it('limits reasons to 1..10 and targets to 10, still naming bad items', () => {
    expect(issuesOf(() => parseSignalInput({ ...valid, reasons: [] }))).toEqual({ reasons: 'expected at least 1 item' });
    const issues = issuesOf(() => parseSignalInput({ ...valid, reasons: [...Array(10).fill('r'), ''] }));
    expect(issues).toEqual({ reasons: 'expected at most 10 items', 'reasons[10]': 'expected at least 1 character' });
    expect(issuesOf(() => parseSignalInput({ ...valid, targets: Array(11).fill(1) }))).toEqual({ targets: 'expected at most 10 items' });
  });

  it('rejects wrong types and a body that is not an object', () => {
    expect(issuesOf(() => parseSignalInput({ ...valid, conviction: '0.8', reasons: 'one' }))).toEqual({ conviction: 'expected a number', reasons: 'expected a list' });
    expect(issuesOf(() => parseSignalInput([valid]))).toEqual({ '(input)': 'expected a JSON object' });
    expect(issuesOf(() => parseSignalInput(null))).toEqual({ '(input)': 'expected a JSON object' });
  });

  it('puts every field in the error message too', () => {
    expect(() => parseSignalInput({ ...valid, conviction: -0.1 })).toThrow('conviction: expected a number >= 0');
  });
});

describe('parseSignalUpdateInput', () => {
  it('accepts the three kinds of update', () => {
    expect(parseSignalUpdateInput({ kind: 'target_hit', targetIndex: 1, price: 110, publisherUpdateId: 'u1' })).toEqual({ kind: 'target_hit', targetIndex: 1, price: 110, publisherUpdateId: 'u1' });
    expect(parseSignalUpdateInput({ kind: 'stopped', price: 95, resultPct: -5 })).toEqual({ kind: 'stopped', price: 95, resultPct: -5 });
    expect(parseSignalUpdateInput({ kind: 'closed', resultPct: 12.5, note: 'took profit' })).toEqual({ kind: 'closed', resultPct: 12.5, note: 'took profit' });
  });

  it('requires the target for target_hit and the result for closed', () => {
    expect(issuesOf(() => parseSignalUpdateInput({ kind: 'target_hit' }))).toEqual({ targetIndex: 'required for target_hit: which target (1-based)' });
    expect(issuesOf(() => parseSignalUpdateInput({ kind: 'closed' }))).toEqual({ resultPct: 'required for closed: the result in percent' });
  });

  it('names bad and unknown fields', () => {
    expect(issuesOf(() => parseSignalUpdateInput({ kind: 'won', targetIndex: 0, price: 0, extra: true }))).toEqual({
      kind: 'expected one of "target_hit", "stopped", "closed"',
      targetIndex: 'expected a number >= 1',
      price: 'expected a number > 0',
      extra: 'unknown field',
    });
  });
});

describe('bands', () => {
  const bands = { aMin: 0.8, bMin: 0.6 };
  it('splits convictions at the configured thresholds', () => {
    expect([0.8, 0.99, 0.79, 0.6, 0.59, 0].map((c) => bandOf(c, bands))).toEqual(['A', 'A', 'B', 'B', 'C', 'C']);
  });

  it('orders bands with A best', () => {
    expect(bandAtLeast('A', 'B')).toBe(true);
    expect(bandAtLeast('B', 'B')).toBe(true);
    expect(bandAtLeast('C', 'B')).toBe(false);
  });
});

describe('input hygiene', () => {
  it('refuses a symbol made only of invisible characters, naming the field', () => {
    expect(issuesOf(() => parseSignalInput({ ...valid, symbol: '\u200B\u200D\uFEFF' }))).toEqual({ symbol: 'expected visible characters, not only spaces or invisible ones' });
    expect(issuesOf(() => parseSignalInput({ ...valid, symbol: ' \u2060 ' }))).toEqual({ symbol: 'expected visible characters, not only spaces or invisible ones' });
  });

  it('refuses a whitespace-only publisherId', () => {
    expect(issuesOf(() => parseSignalInput({ ...valid, publisherId: '   \t ' }))).toEqual({ publisherId: 'expected visible characters, not only spaces or invisible ones' });
  });

  it('refuses NUL characters and lone surrogates wherever text is taken', () => {
    expect(issuesOf(() => parseSignalInput(JSON.parse('{"publisherId":"p\\u0000","symbol":"BTC","market":"crypto","side":"long","conviction":0.5,"reasons":["a\\ud800b"]}')))).toEqual({
      publisherId: 'contains a NUL character',
      'reasons[0]': 'contains a lone surrogate (\\ud800-\\udfff without its pair): not valid Unicode text',
    });
    expect(issuesOf(() => parseSignalUpdateInput({ kind: 'stopped', note: 'x\udc00' }))).toEqual({ note: expect.stringContaining('lone surrogate') });
  });

  it('keeps text with emoji (surrogate pairs), accents and line breaks', () => {
    const s = parseSignalInput({ ...valid, symbol: 'ÉTH🚀', reasons: ['line one\nline two'] });
    expect(s.symbol).toBe('ÉTH🚀');
    expect(s.reasons).toEqual(['line one\nline two']);
  });
});

describe('bounded problem lists', () => {
  it('keeps every issue on the error but spells out only the first 25 in its message', () => {
    let error: ValidationError | undefined;
    try {
      parseSignalInput({ ...valid, reasons: Array(1_000).fill('') });
    } catch (err) {
      error = err as ValidationError;
    }
    expect(error?.issues).toHaveLength(1_001);
    expect(error?.message.split('; ')).toHaveLength(26);
    expect(error?.message).toMatch(/; and 976 more$/);
  });

  it('limitIssues lists the first ones and counts the rest', () => {
    const issues = Array.from({ length: 30 }, (_, i) => ({ field: `f${i}`, message: 'bad' }));
    expect(limitIssues(issues)).toEqual({ listed: issues.slice(0, 25), more: 5 });
    expect(limitIssues(issues.slice(0, 3))).toEqual({ listed: issues.slice(0, 3), more: 0 });
  });
});
