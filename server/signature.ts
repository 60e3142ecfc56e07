// The ingest signature: X-Signalcast-Signature: t=<unix seconds>,v2=<hex HMAC-SHA256 of "<t>.<METHOD> <path>.<raw body>">
// (v1, over "<t>.<raw body>" only, is still accepted where a body cannot be replayed elsewhere: POST /v1/signals).
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-signalcast-signature';
/** How far a signature's time may be from ours, either way. */
export const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

/** What a signature covers: the method and the path with its query, exactly as sent, and the raw body. */
export interface SignedRequest {
  method: string;
  /** The request target as received, e.g. `/v1/signals/sig_1/updates?x=1`. */
  path: string;
  rawBody: Buffer;
}

export type SignatureCheck =
  | { ok: true; version: 'v1' | 'v2'; /** `<t>:<the matching hex>`: what the replay guard remembers. */ id: string }
  | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' };

function hmacV1(secret: string, t: string, rawBody: Buffer): Buffer {
  return createHmac('sha256', secret).update(`${t}.`, 'utf8').update(rawBody).digest();
}

function hmacV2(secret: string, t: string, request: SignedRequest): Buffer {
  return createHmac('sha256', secret).update(`${t}.${request.method.toUpperCase()} ${request.path}.`, 'utf8').update(request.rawBody).digest();
}

const toBuffer = (body: Buffer | string) => (typeof body === 'string' ? Buffer.from(body, 'utf8') : body);

/** A v1 header value for a body (body only: accepted on POST /v1/signals alone). */
export function signBody(secret: string, rawBody: Buffer | string, nowMs: number): string {
  const t = String(Math.floor(nowMs / 1000));
  return `t=${t},v1=${hmacV1(secret, t, toBuffer(rawBody)).toString('hex')}`;
}

/** The v2 header value for a request, as a signal source computes it. */
export function signRequest(secret: string, request: { method: string; path: string; rawBody: Buffer | string }, nowMs: number): string {
  const t = String(Math.floor(nowMs / 1000));
  return `t=${t},v2=${hmacV2(secret, t, { ...request, rawBody: toBuffer(request.rawBody) }).toString('hex')}`;
}

/**
 * Checks a signature header against the request. Several values of a version are allowed (a
 * source rotating its secret); any one matching is enough. v1 values count only with `allowV1`.
 */
export function verifySignature(header: string, request: SignedRequest, secret: string, nowMs: number, options: { allowV1: boolean }): SignatureCheck {
  let t: string | undefined;
  const candidates: { version: 'v1' | 'v2'; hex: string }[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === 't') t = value;
    else if (name === 'v2' || (name === 'v1' && options.allowV1)) candidates.push({ version: name, hex: value });
  }
  if (!t || !/^\d{1,12}$/.test(t) || candidates.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowMs - Number(t) * 1000) > SIGNATURE_TOLERANCE_MS) return { ok: false, reason: 'stale' };
  const expected = { v1: options.allowV1 ? hmacV1(secret, t, request.rawBody) : undefined, v2: hmacV2(secret, t, request) };
  let matched: { version: 'v1' | 'v2'; hex: string } | undefined;
  for (const candidate of candidates) {
    const want = expected[candidate.version];
    if (!want || !/^[0-9a-f]{64}$/i.test(candidate.hex)) continue;
    // Compare every candidate (no early exit), each in constant time.
    if (timingSafeEqual(want, Buffer.from(candidate.hex, 'hex'))) matched ??= candidate;
  }
  return matched ? { ok: true, version: matched.version, id: `${t}:${matched.hex.toLowerCase()}` } : { ok: false, reason: 'mismatch' };
}
