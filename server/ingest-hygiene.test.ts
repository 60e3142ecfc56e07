import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, validSignal, type Harness } from './testing/harness';

let h: Harness;
afterEach(async () => {
  await h?.app.close();
});

type ErrorAnswer = { error: { code: string; message: string; fields?: { field: string; message: string }[]; moreFields?: number } };
const count = (table: string) => (h.db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
const postRaw = (url: string, payload: Buffer | string) =>
  h.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', authorization: `Bearer ${h.key}` }, payload });

describe('input hygiene on the ingest API', () => {
  it('refuses a body that is not valid UTF-8 with a 400 saying so', async () => {
    h = await createHarness();
    const json = Buffer.from(JSON.stringify(validSignal({ symbol: 'BTCXUSDT' })));
    json[json.indexOf('X')] = 0xff;
    const res = await postRaw('/v1/signals', json);
    expect(res.statusCode).toBe(400);
    expect(res.json<ErrorAnswer>().error.fields).toEqual([{ field: '(input)', message: 'the body is not valid UTF-8' }]);
    expect(count('signals')).toBe(0);
  });

  it('refuses a raw NUL byte in the body', async () => {
    h = await createHarness();
    const res = await postRaw('/v1/signals', Buffer.concat([Buffer.from(JSON.stringify(validSignal())), Buffer.from([0])]));
    expect(res.statusCode).toBe(400);
    expect(res.json<ErrorAnswer>().error.fields).toEqual([{ field: '(input)', message: 'the body contains a NUL byte' }]);
  });

  it('names the field holding a lone surrogate escape, a \\u0000 escape, invisible-only text or a blank publisherId', async () => {
    h = await createHarness();
    const body = '{"publisherId":"   ","symbol":"\\u200b\\u200b","market":"crypto\\u0000","side":"long","conviction":0.5,"reasons":["\\ud800"]}';
    const res = await postRaw('/v1/signals', body);
    expect(res.statusCode).toBe(400);
    expect(res.json<ErrorAnswer>().error.fields).toEqual([
      { field: 'publisherId', message: 'expected visible characters, not only spaces or invisible ones' },
      { field: 'symbol', message: 'expected visible characters, not only spaces or invisible ones' },
      { field: 'market', message: 'contains a NUL character' },
      { field: 'reasons[0]', message: 'contains a lone surrogate (\\ud800-\\udfff without its pair): not valid Unicode text' },
    ]);
    expect(count('signals')).toBe(0);
  });
});

describe('bounded error answers', () => {
  it('lists at most 25 problems and says how many more there were', async () => {
    h = await createHarness();
    const body = JSON.stringify(validSignal({ reasons: Array(20_000).fill('') }));
    expect(Buffer.byteLength(body)).toBeLessThan(64 * 1024);
    const res = await postRaw('/v1/signals', body);
    expect(res.statusCode).toBe(400);
    const { error } = res.json<ErrorAnswer>();
    expect(error.fields).toHaveLength(25);
    expect(error.moreFields).toBe(20_001 - 25);
    expect(error.message).toBe('the request has 20001 problems; the first 25 are listed');
    expect(res.body.length).toBeLessThan(4_000);
  });

  it('lists every problem, with no count, when there are few', async () => {
    h = await createHarness();
    const res = await postRaw('/v1/signals', JSON.stringify(validSignal({ side: 'up' })));
    expect(res.json()).toEqual({ error: { code: 'validation_failed', message: 'the request has invalid fields', fields: [{ field: 'side', message: 'expected one of "long", "short", "close"' }] } });
  });
});

describe('URLs refused before routing', () => {
  it('answers 414 in our error shape for an overlong path segment, without echoing the path', async () => {
    h = await createHarness();
    const long = 'x'.repeat(2_000);
    const res = await postRaw(`/v1/signals/by-publisher-id/${long}/updates`, JSON.stringify({ kind: 'stopped' }));
    expect(res.statusCode).toBe(414);
    expect(res.json()).toEqual({ error: { code: 'uri_too_long', message: 'a part of the path is too long' } });
    expect(res.body).not.toContain('xxxx');
  });

  it('answers 400 in our error shape for a URL that does not decode, without echoing it', async () => {
    h = await createHarness();
    const res = await postRaw('/v1/signals/%E0%A4%zz/updates', JSON.stringify({ kind: 'stopped' }));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'bad_request', message: 'the URL could not be read' } });
  });

  it('answers 431 in our error shape when the request line and headers are too large', async () => {
    h = await createHarness();
    const url = await h.app.listen({ port: 0, host: '127.0.0.1' });
    const res = await fetch(`${url}/v1/signals/${'y'.repeat(20_000)}/updates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(431);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'headers_too_large', message: 'the request line or headers are too large' } });
    expect(text).not.toContain('yyyy');
  });
});
