// The ingest signature: X-Signalcast-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-signalcast-signature';
/** How far a signature's time may be from ours, either way. */
export const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

export type SignatureCheck = { ok: true } | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' };

function hmac(secret: string, t: string, rawBody: Buffer): Buffer {
  return createHmac('sha256', secret).update(`${t}.`, 'utf8').update(rawBody).digest();
}

/** The header value for a body, as a signal source computes it. */
export function signBody(secret: string, rawBody: Buffer | string, nowMs: number): string {
  const t = String(Math.floor(nowMs / 1000));
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  return `t=${t},v1=${hmac(secret, t, body).toString('hex')}`;
}

/**
 * Checks a signature header against the raw body bytes. Several v1 values are
 * allowed (a source rotating its secret); any one matching is enough.
 */
export function verifySignature(header: string, rawBody: Buffer, secret: string, nowMs: number): SignatureCheck {
  let t: string | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === 't') t = value;
    else if (name === 'v1') candidates.push(value);
  }
  if (!t || !/^\d{1,12}$/.test(t) || candidates.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowMs - Number(t) * 1000) > SIGNATURE_TOLERANCE_MS) return { ok: false, reason: 'stale' };
  const expected = hmac(secret, t, rawBody);
  let matched = false;
  for (const candidate of candidates) {
    if (!/^[0-9a-f]{64}$/i.test(candidate)) continue;
    // Compare every candidate (no early exit), each in constant time.
    if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) matched = true;
  }
  return matched ? { ok: true } : { ok: false, reason: 'mismatch' };
}
