// The parts of compact columns: growable typed arrays, strings back to back in a byte buffer, interned small strings.

export type Typed = Float64Array | Int32Array | Uint16Array | Uint8Array;

/** `a`, or a copy at least `size` long (doubling). */
export function grown<T extends Typed>(a: T, size: number): T {
  if (size <= a.length) return a;
  const next = new (a.constructor as new (n: number) => T)(Math.max(size, a.length * 2));
  next.set(a);
  return next;
}

export const trimmed = <T extends Typed>(a: T, size: number): T => (a.length === size ? a : (a.slice(0, size) as T));
export const time = (v: number | null): number => (v === null ? Number.NaN : v);
export const untime = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** Strings back to back in one buffer (UTF-8); where each ends is kept by the caller. */
export class TextColumn {
  private bytes = Buffer.allocUnsafe(4_096);
  used = 0;

  add(s: string): void {
    const need = this.used + s.length * 3;
    if (need > this.bytes.length) {
      const next = Buffer.allocUnsafe(Math.max(need, this.bytes.length * 2));
      this.bytes.copy(next, 0, 0, this.used);
      this.bytes = next;
    }
    this.used += this.bytes.write(s, this.used, 'utf8');
  }

  read(from: number, to: number): string {
    return this.bytes.toString('utf8', from, to);
  }

  /** FNV-1a of the bytes from..to. */
  hash(from: number, to: number): number {
    let h = 0x811c9dc5;
    for (let i = from; i < to; i++) h = Math.imul(h ^ (this.bytes[i] as number), 0x01000193);
    return h | 0;
  }

  equals(from: number, to: number, other: Buffer): boolean {
    return to - from === other.length && this.bytes.compare(other, 0, other.length, from, to) === 0;
  }

  trim(): void {
    this.bytes = Buffer.from(this.bytes.subarray(0, this.used));
  }
}

/** Small strings (platforms, plan ids, statuses) as small integers; 0 is null. */
export class Interned {
  private readonly values: (string | null)[] = [null];
  private readonly index = new Map<string, number>();

  of(s: string | null): number {
    if (s === null) return 0;
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.values.length;
      if (i > 0xffff) throw new Error('too many distinct platforms, plan ids and statuses to keep as columns');
      this.values.push(s);
      this.index.set(s, i);
    }
    return i;
  }

  value(i: number): string | null {
    return this.values[i] ?? null;
  }
}

/** FNV-1a of some bytes (as TextColumn.hash). */
export function hashBytes(bytes: Buffer): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  return h | 0;
}
