import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signBody, signRequest, verifySignature, type SignedRequest } from './signature';

const SECRET = 'whole-lot-of-secret-bytes';
const NOW = Date.UTC(2026, 0, 5, 12, 0, 0);
const body = Buffer.from('{"publisherId":"p-1"}');
const request: SignedRequest = { method: 'POST', path: '/v1/signals', rawBody: body };
const V1 = { allowV1: true };
const V2_ONLY = { allowV1: false };

describe('verifySignature', () => {
  it('accepts a v1 signature computed as documented, where v1 is allowed', () => {
    const header = signBody(SECRET, body, NOW);
    const t = Math.floor(NOW / 1000);
    const hex = createHmac('sha256', SECRET).update(`${t}.${body.toString()}`).digest('hex');
    expect(header).toBe(`t=${t},v1=${hex}`);
    expect(verifySignature(header, request, SECRET, NOW, V1)).toEqual({ ok: true, version: 'v1', id: `${t}:${hex}` });
  });

  it('accepts a v2 signature over "<t>.<METHOD> <path>.<body>", computed as documented', () => {
    const path = '/v1/signals/sig_1/updates?source=engine';
    const header = signRequest(SECRET, { method: 'POST', path, rawBody: body }, NOW);
    const t = Math.floor(NOW / 1000);
    const hex = createHmac('sha256', SECRET).update(`${t}.POST ${path}.${body.toString()}`).digest('hex');
    expect(header).toBe(`t=${t},v2=${hex}`);
    expect(verifySignature(header, { method: 'POST', path, rawBody: body }, SECRET, NOW, V2_ONLY)).toEqual({ ok: true, version: 'v2', id: `${t}:${hex}` });
  });

  it('refuses a v2 signature made for another path or method', () => {
    const header = signRequest(SECRET, { method: 'POST', path: '/v1/signals/sig_1/updates', rawBody: body }, NOW);
    expect(verifySignature(header, { method: 'POST', path: '/v1/signals/sig_2/updates', rawBody: body }, SECRET, NOW, V2_ONLY)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature(header, { method: 'PUT', path: '/v1/signals/sig_1/updates', rawBody: body }, SECRET, NOW, V2_ONLY)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature(header, { method: 'POST', path: '/v1/signals/sig_1/updates?x=1', rawBody: body }, SECRET, NOW, V2_ONLY)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('ignores v1 values where v1 is not allowed', () => {
    expect(verifySignature(signBody(SECRET, body, NOW), request, SECRET, NOW, V2_ONLY)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('accepts a signature up to five minutes old or ahead', () => {
    expect(verifySignature(signBody(SECRET, body, NOW - 300_000), request, SECRET, NOW, V1).ok).toBe(true);
    expect(verifySignature(signRequest(SECRET, request, NOW + 300_000), request, SECRET, NOW, V1).ok).toBe(true);
  });

  it('refuses a stale signature and one from too far in the future', () => {
    expect(verifySignature(signBody(SECRET, body, NOW - 301_000), request, SECRET, NOW, V1)).toEqual({ ok: false, reason: 'stale' });
    expect(verifySignature(signRequest(SECRET, request, NOW + 301_000), request, SECRET, NOW, V1)).toEqual({ ok: false, reason: 'stale' });
  });

  it('refuses a tampered body and a wrong secret', () => {
    const header = signRequest(SECRET, request, NOW);
    expect(verifySignature(header, { ...request, rawBody: Buffer.from('{"publisherId":"p-2"}') }, SECRET, NOW, V1)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature(header, request, 'another-secret-entirely', NOW, V1)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses malformed headers', () => {
    for (const header of ['', 'garbage', 't=abc,v2=00', `v2=${'0'.repeat(64)}`, `t=${NOW / 1000}`]) {
      expect(verifySignature(header, request, SECRET, NOW, V1)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('accepts any one of several values (a source rotating its secret)', () => {
    const good = signRequest(SECRET, request, NOW);
    const other = signRequest('the-previous-secret-value', request, NOW).split(',')[1];
    expect(verifySignature(`${good},${other}`, request, SECRET, NOW, V1).ok).toBe(true);
    expect(verifySignature(`${good.split(',')[0]},${other},${good.split(',')[1]}`, request, SECRET, NOW, V1).ok).toBe(true);
  });
});
