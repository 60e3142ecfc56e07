import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, TEST_SECRET, validSignal, type Harness } from './testing/harness';

let h: Harness;
afterEach(async () => {
  await h?.app.close();
});

const signed = (path: string, raw: string, signature: string) => h.post(path, raw, { 'x-signalcast-signature': signature });
const count = (table: string) => (h.db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;

async function twoSignals(): Promise<[string, string]> {
  const a = (await h.post('/v1/signals', validSignal({ publisherId: 'a' }))).json<{ id: string }>().id;
  const b = (await h.post('/v1/signals', validSignal({ publisherId: 'b' }))).json<{ id: string }>().id;
  return [a, b];
}

describe('signatures bound to the method and path (v2)', () => {
  it('accepts a v2 signature on an update, and refuses the same body and signature replayed to another signal', async () => {
    h = await createHarness({ signingSecret: TEST_SECRET });
    const [a, b] = await twoSignals();
    const raw = JSON.stringify({ kind: 'closed', resultPct: -40 });
    const signature = h.signFor(`/v1/signals/${a}/updates`, raw);
    expect((await signed(`/v1/signals/${a}/updates`, raw, signature)).statusCode).toBe(202);
    const replayed = await signed(`/v1/signals/${b}/updates`, raw, signature);
    expect(replayed.statusCode).toBe(401);
    expect(replayed.json()).toEqual({ error: { code: 'unauthorized', message: 'missing or invalid credentials' } });
    expect(h.db.$client.prepare('select signal_id as s from signal_updates').all()).toEqual([{ s: a }]);
  });

  it('refuses a body-only v1 signature on the updates routes, where the body names no signal', async () => {
    h = await createHarness({ signingSecret: TEST_SECRET });
    const [a] = await twoSignals();
    const raw = JSON.stringify({ kind: 'stopped' });
    expect((await signed(`/v1/signals/${a}/updates`, raw, h.sign(raw))).statusCode).toBe(401);
    expect((await signed('/v1/signals/by-publisher-id/a/updates', raw, h.sign(raw))).statusCode).toBe(401);
    expect(count('signal_updates')).toBe(0);
  });

  it('still accepts v1 on POST /v1/signals, and v2 bound to it', async () => {
    h = await createHarness({ signingSecret: TEST_SECRET });
    const one = JSON.stringify(validSignal({ publisherId: 'v1' }));
    const two = JSON.stringify(validSignal({ publisherId: 'v2' }));
    expect((await signed('/v1/signals', one, h.sign(one))).statusCode).toBe(202);
    expect((await signed('/v1/signals', two, h.signFor('/v1/signals', two))).statusCode).toBe(202);
    expect(count('signals')).toBe(2);
  });

  it('signs the path as received, query included', async () => {
    h = await createHarness({ signingSecret: TEST_SECRET });
    const [a] = await twoSignals();
    const raw = JSON.stringify({ kind: 'stopped' });
    const path = `/v1/signals/${a}/updates?source=engine`;
    expect((await signed(path, raw, h.signFor(`/v1/signals/${a}/updates`, raw))).statusCode).toBe(401);
    expect((await signed(path, raw, h.signFor(path, raw))).statusCode).toBe(202);
  });
});

describe('replayed signatures', () => {
  it('refuses the same signed request a second time within the window, v1 and v2 alike', async () => {
    h = await createHarness({ signingSecret: TEST_SECRET });
    const raw = JSON.stringify(validSignal());
    for (const signature of [h.sign(raw), h.signFor('/v1/signals', raw)]) {
      expect((await signed('/v1/signals', raw, signature)).statusCode).toBe(202);
      expect((await signed('/v1/signals', raw, signature)).statusCode).toBe(401);
    }
  });

  it('lets a sender retry a signed request that was refused without storing anything', async () => {
    h = await createHarness({ signingSecret: TEST_SECRET });
    const bad = JSON.stringify(validSignal({ conviction: 7 }));
    const signature = h.sign(bad);
    expect((await signed('/v1/signals', bad, signature)).statusCode).toBe(400);
    expect((await signed('/v1/signals', bad, signature)).statusCode).toBe(400);
    expect(count('signals')).toBe(0);
  });
});
