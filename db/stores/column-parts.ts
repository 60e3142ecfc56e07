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
  private bytes: Buffer;
  used = 0;

  constructor(initialBytes = 4_096) {
    this.bytes = Buffer.allocUnsafe(Math.max(64, initialBytes));
  }

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

  equals(from: number, to: number, other: Uint8Array, otherLength = other.length): boolean {
    return to - from === otherLength && this.bytes.compare(other, 0, otherLength, from, to) === 0;
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
export function hashBytes(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return h | 0;
}

/** Entries (0, 1, 2, …) found by a hash: open addressing in typed arrays, no JS objects per entry. */
export class HashIndex {
  /** Entry + 1; 0 is empty. */
  private slots: Int32Array;
  private hashes: Int32Array;
  private size = 0;

  constructor(expected: number) {
    this.slots = new Int32Array(2 ** Math.ceil(Math.log2(Math.max(16, expected * 2))));
    this.hashes = new Int32Array(Math.max(16, expected));
  }

  /** Adds the next entry (entries are numbered in the order they are added). */
  add(hash: number): void {
    const entry = this.size++;
    this.hashes = grown(this.hashes, this.size);
    this.hashes[entry] = hash;
    if (this.size * 2 > this.slots.length) {
      this.slots = new Int32Array(this.slots.length * 2);
      for (let e = 0; e < this.size; e++) this.place(e);
    } else {
      this.place(entry);
    }
  }

  /** The entry with this hash that `matches`, or -1. */
  find(hash: number, matches: (entry: number) => boolean): number {
    const mask = this.slots.length - 1;
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const slot = this.slots[s] as number;
      if (slot === 0) return -1;
      if (this.hashes[slot - 1] === hash && matches(slot - 1)) return slot - 1;
    }
  }

  /** Shrinks the hashes to the entries. */
  trim(): void {
    this.hashes = trimmed(this.hashes, this.size);
  }

  private place(entry: number): void {
    const mask = this.slots.length - 1;
    let s = (this.hashes[entry] as number) & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = entry + 1;
  }
}
