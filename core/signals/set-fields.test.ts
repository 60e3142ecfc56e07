import { describe, expect, it } from 'vitest';
import { setFields } from './set-fields';

describe('setFields', () => {
  it('keeps values, zero and false, and leaves out null, undefined and empty lists', () => {
    expect(setFields({ a: 'x', b: null, c: undefined, d: [], e: [1], f: 0, g: false })).toEqual({ a: 'x', e: [1], f: 0, g: false });
    expect(Object.keys(setFields({ b: null, c: undefined }))).toEqual([]);
  });
});
