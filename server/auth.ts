// Who is calling the ingest API: an API key (Authorization: Bearer) or a signed body (X-Signalcast-Signature).
import type { Clock } from '../core/clock';
import { SIGNATURE_HEADER, verifySignature, type SignedRequest } from './signature';

/** What the server needs from the API key store. */
export interface ApiKeyVerifier {
  /** The key's record when it is a live key, else null. */
  verify(key: string): { id: string; name: string } | null;
  /** Writes the last uses verify() remembered; the server calls it periodically and at close. */
  flushLastUsed?(): number;
}

/** An authenticated caller. */
export interface Caller {
  /** The rate-limit bucket and audit actor: "api-key:<id>" or "signature". */
  id: string;
  via: 'api-key' | 'signature';
  /** The accepted signature (`<t>:<hex>`) and its time, for the replay guard; absent for a key alone. */
  signature?: { id: string; signedAtMs: number };
}

export interface IngestAuthOptions {
  apiKeys: ApiKeyVerifier;
  /** When set, a body signed with it is accepted as well as an API key. */
  signingSecret?: string | undefined;
  clock: Clock;
  /** Whether a body-only v1 signature is enough here (only where the body cannot be replayed to another route). */
  allowV1: boolean;
}

type Headers = Record<string, string | string[] | undefined>;

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(single(header) ?? '')?.[1];
}

/**
 * The caller, or null. Every credential presented must hold: a good signature
 * does not excuse a bad key, nor the other way round. Why a request failed is
 * never told to the caller.
 */
export function authenticate(headers: Headers, request: SignedRequest, options: IngestAuthOptions): Caller | null {
  const authorization = headers.authorization;
  const signatureHeader = options.signingSecret ? headers[SIGNATURE_HEADER] : undefined;
  if (authorization === undefined && signatureHeader === undefined) return null;

  let caller: Caller | null = null;
  if (authorization !== undefined) {
    const token = bearerToken(authorization);
    const key = token ? options.apiKeys.verify(token) : null;
    if (!key) return null;
    caller = { id: `api-key:${key.id}`, via: 'api-key' };
  }
  if (signatureHeader !== undefined && options.signingSecret) {
    const header = single(signatureHeader);
    const check = header ? verifySignature(header, request, options.signingSecret, options.clock.now(), { allowV1: options.allowV1 }) : undefined;
    if (!check?.ok) return null;
    const signature = { id: check.id, signedAtMs: Number(check.id.split(':')[0]) * 1000 };
    caller = caller ? { ...caller, signature } : { id: 'signature', via: 'signature', signature };
  }
  return caller;
}
