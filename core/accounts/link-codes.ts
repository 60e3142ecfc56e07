// One-time codes that link a second platform identity to an existing account (/link, then /start link_<code>).
import { randomInt } from 'node:crypto';

/** How long a /link code works. */
export const LINK_CODE_TTL_MS = 10 * 60_000;

/** A stored code, as /start link_<code> finds it. */
export interface LinkCode {
  code: string;
  accountId: string;
  expiresAt: Date;
  usedAt: Date | null;
}

/** The link_codes table; db/stores/link-code-store.ts implements it on SQLite. */
export interface LinkCodeStore {
  create(code: string, accountId: string, expiresAt: number): Promise<LinkCode>;
  find(code: string): Promise<LinkCode | null>;
  /** Marks the code used at `now`; false when it was used already (the other caller won). */
  markUsed(code: string, now: number): Promise<boolean>;
}

// No 0/O or 1/I: people copy these by hand from one app to another.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A random code of `length` characters from an unambiguous alphabet (also fits a deep-link payload). */
export function randomCode(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** Codes are compared in upper case: people retype them. */
export function normalizeCode(code: string): string {
  return code.trim().toUpperCase();
}
