// Identifiers: a prefix that names the kind, then a time-ordered random part.
import { randomBytes } from 'node:crypto';

let lastMs = 0;
let seq = 0;

/** e.g. newId('sig') -> "sig_01jc5x8k2m3n4p5q6r7s8t9v0w". Sorts by creation time. */
export function newId(prefix: string): string {
  const ms = Date.now();
  seq = ms === lastMs ? seq + 1 : 0;
  lastMs = ms;
  const time = ms.toString(36).padStart(9, '0');
  const counter = seq.toString(36).padStart(3, '0');
  return `${prefix}_${time}${counter}${randomBytes(8).toString('hex')}`;
}
