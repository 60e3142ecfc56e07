// Stripe-looking identifiers: a kind prefix and a random base62 tail, as the real API hands out.
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function randomTail(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out;
}

/** Prefixes of the kinds the emulator issues, with the tail length Stripe uses for each. */
const SHAPES = {
  cus: 14,
  prod: 14,
  si: 14,
  req: 14,
  price: 24,
  sub: 24,
  in: 24,
  il: 24,
  ii: 24,
  di: 24,
  promo: 24,
  bps: 24,
  bpc: 24,
  cbtxn: 24,
  pm: 24,
  pi: 24,
  evt: 24,
  li: 24,
  ch: 24,
  re: 24,
  dp: 24,
  inpay: 24,
} as const;

export type IdKind = keyof typeof SHAPES;

/** e.g. stripeId('sub') -> "sub_1Pgc6rB7WZ01zgkWNy0Cn5nw". */
export function stripeId(kind: IdKind): string {
  const length = SHAPES[kind];
  return length === 14 ? `${kind}_${randomTail(14)}` : `${kind}_1${randomTail(length - 1)}`;
}

/** Checkout Session ids carry the mode ("test") and a long tail. */
export function checkoutSessionId(): string {
  return `cs_test_a1${randomTail(56)}`;
}

/** Coupon ids default to eight upper-case characters. */
export function couponId(): string {
  return randomTail(8).toUpperCase();
}

/** A secret-looking token for hosted pages (the portal URL carries one). */
export function pageToken(): string {
  return randomTail(32);
}

export function invoicePrefix(): string {
  return randomBytes(4).toString('hex').toUpperCase();
}
