import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signBody, verifySignature } from './signature';

const SECRET = 'whole-lot-of-secret-bytes';
const NOW = Date.UTC(2026, 0, 5, 12, 0, 0);
const body = Buffer.from('{"publisherId":"p-1"}');

describe('verifySignature', () => {
  it('accepts what signBody makes, computed as documented', () => {
    const header = signBody(SECRET, body, NOW);
    const t = Math.floor(NOW / 1000);
    const hex = createHmac('sha256', SECRET).update(`${t}.${body.toString()}`).digest('hex');
    expect(header).toBe(`t=${t},v1=${hex}`);
    expect(verifySignature(header, body, SECRET, NOW)).toEqual({ ok: true });
  });

  it('accepts a signature up to five minutes old or ahead', () => {
    expect(verifySignature(signBody(SECRET, body, NOW - 300_000), body, SECRET, NOW).ok).toBe(true);
    expect(verifySignature(signBody(SECRET, body, NOW + 300_000), body, SECRET, NOW).ok).toBe(true);
  });

  it('refuses a stale signature and one from too far in the future', () => {
    expect(verifySignature(signBody(SECRET, body, NOW - 301_000), body, SECRET, NOW)).toEqual({ ok: false, reason: 'stale' });
    expect(verifySignature(signBody(SECRET, body, NOW + 301_000), body, SECRET, NOW)).toEqual({ ok: false, reason: 'stale' });
  });

  it('refuses a tampered body and a wrong secret', () => {
    const header = signBody(SECRET, body, NOW);
    expect(verifySignature(header, Buffer.from('{"publisherId":"p-2"}'), SECRET, NOW)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature(header, body, 'another-secret-entirely', NOW)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('signs the raw bytes, so re-serialised JSON does not match', () => {
    const raw = Buffer.from('{ "publisherId" : "p-1" }');
    const header = signBody(SECRET, raw, NOW);
    expect(verifySignature(header, Buffer.from(JSON.stringify(JSON.parse(raw.toString()))), SECRET, NOW).ok).toBe(false);
    expect(verifySignature(header, raw, SECRET, NOW).ok).toBe(true);
  });

  it('accepts any one of several v1 values', () => {
    const good = signBody(SECRET, body, NOW);
    const t = good.split(',')[0]!;
    const v1 = good.split(',')[1]!;
    expect(verifySignature(`${t},v1=${'0'.repeat(64)},${v1}`, body, SECRET, NOW).ok).toBe(true);
  });

  it('refuses malformed headers', () => {
    for (const header of ['', 'garbage', 't=abc,v1=00', `v1=${'0'.repeat(64)}`, `t=${NOW / 1000}`, `t=${NOW / 1000},v1=xyz`]) {
      expect(verifySignature(header, body, SECRET, NOW).ok).toBe(false);
    }
  });
});
