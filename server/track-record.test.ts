import { afterEach, describe, expect, it } from 'vitest';
import { TRACK_WINDOWS, type TrackRecord } from '../core/track-record/types';
import { createHarness, TEST_SECRET, validSignal, type Harness } from './testing/harness';
import { signRequest } from './signature';

let h: Harness;
afterEach(async () => {
  await h?.app.close();
});

/** Two signals through the API: one closed at +6, one stopped at -2, both band A. */
async function publishTwo(): Promise<void> {
  for (const [i, resultPct] of [6, -2].entries()) {
    const res = await h.post('/v1/signals', validSignal({ publisherId: `p${i}`, conviction: 0.9 }));
    expect(res.statusCode).toBe(202);
    const path = `/v1/signals/by-publisher-id/p${i}/updates`;
    const body = JSON.stringify({ kind: resultPct > 0 ? 'closed' : 'stopped', resultPct });
    expect((await h.post(path, body)).statusCode).toBe(202);
  }
}

describe('GET /v1/track-record', () => {
  it('answers 401 without a key, or with a wrong one, and tells nothing', async () => {
    h = await createHarness();
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer sk_live_not_a_key' }];
    for (const headers of attempts) {
      const res = await h.get('/v1/track-record', headers);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'unauthorized', message: 'missing or invalid credentials' } });
      expect(res.body).not.toContain('windows');
    }
  });

  it('answers 200 with the whole track record as JSON', async () => {
    h = await createHarness();
    await publishTwo();
    const res = await h.get('/v1/track-record');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json<TrackRecord>();
    expect(body.asOf).toBe(h.clock.now());
    expect(Object.keys(body.windows)).toEqual([...TRACK_WINDOWS]);
    const figures = { count: 2, open: 0, scored: 2, wins: 1, hitRate: 0.5, averagePct: 2, cumulativePct: 4 };
    expect(body.windows['30d'].all).toEqual(figures);
    expect(body.windows.all.byBand.A).toEqual(figures);
    expect(body.windows.all.byBand.B).toMatchObject({ count: 0, hitRate: null });
    expect(body.windows.all.byPersona).toEqual({ none: figures });
  });

  it('gives one window with ?window=30d', async () => {
    h = await createHarness();
    await publishTwo();
    const body = (await h.get('/v1/track-record?window=30d')).json<{ asOf: number; windows: Record<string, unknown> }>();
    expect(Object.keys(body.windows)).toEqual(['30d']);
  });

  it('answers 400 naming a bad window or an unknown parameter', async () => {
    h = await createHarness();
    const bad = await h.get('/v1/track-record?window=1y');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'validation_failed', fields: [{ field: 'window', message: 'expected one of 7d, 30d, 90d, all' }] } });
    const unknown = await h.get('/v1/track-record?windw=30d');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: { fields: [{ field: 'windw' }] } });
    // A read is not an ingest: nothing counted as a refused signal.
    expect((await h.metrics.render()).body).not.toMatch(/signalcast_ingest_total\{outcome="invalid"\} [1-9]/);
  });

  it('takes a request signed for GET and its path, as the ingest routes do', async () => {
    h = await createHarness({ signingSecret: TEST_SECRET });
    const path = '/v1/track-record?window=7d';
    const ok = await h.get(path, { 'x-signalcast-signature': signRequest(TEST_SECRET, { method: 'GET', path, rawBody: '' }, h.clock.now()) });
    expect(ok.statusCode).toBe(200);
    const forPost = await h.get(path, { 'x-signalcast-signature': signRequest(TEST_SECRET, { method: 'POST', path, rawBody: '' }, h.clock.now()) });
    expect(forPost.statusCode).toBe(401);
  });
});
