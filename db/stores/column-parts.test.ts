import { describe, expect, it } from 'vitest';
import { grown, hashBytes, Interned, TextColumn, time, trimmed, untime } from './column-parts';

describe('column parts', () => {
  it('keeps strings back to back, multi-byte ones included, past its first buffer', () => {
    const text = new TextColumn();
    const strings = ['dst_1', 'slack:T1:C1', 'Ünïcödé ✓ 📈', '', 'x'.repeat(10_000)];
    const ends: number[] = [];
    for (const s of strings) {
      text.add(s);
      ends.push(text.used);
    }
    text.trim();
    expect(strings.map((_, i) => text.read(i === 0 ? 0 : (ends[i - 1] as number), ends[i] as number))).toEqual(strings);
    const key = Buffer.from('Ünïcödé ✓ 📈');
    expect(text.hash(ends[1] as number, ends[2] as number)).toBe(hashBytes(key));
    expect(text.equals(ends[1] as number, ends[2] as number, key)).toBe(true);
    expect(text.equals(0, ends[0] as number, key)).toBe(false);
  });

  it('interns small strings as small integers, null as 0', () => {
    const interned = new Interned();
    const ids = ['telegram', 'pro', 'telegram', null, 'active'].map((s) => interned.of(s));
    expect(ids).toEqual([1, 2, 1, 0, 3]);
    expect(ids.map((i) => interned.value(i))).toEqual(['telegram', 'pro', 'telegram', null, 'active']);
  });

  it('grows typed arrays keeping their values, trims them to size, and keeps null times as NaN', () => {
    const a = new Int32Array([1, 2, 3]);
    const b = grown(a, 5);
    expect([...b.subarray(0, 3)]).toEqual([1, 2, 3]);
    expect(b.length).toBe(6);
    expect(grown(b, 4)).toBe(b);
    expect([...trimmed(b, 2)]).toEqual([1, 2]);
    expect([null, 0, 1_700_000_000_000].map((v) => untime(time(v)))).toEqual([null, 0, 1_700_000_000_000]);
  });
});
