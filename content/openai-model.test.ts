// The rationale writer with the real openai client against the OpenAI emulator: the model's answer, and each way to the template with its reason.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../core/clock';
import { rationaleText } from '../core/content/words';
import { recordingLogger } from '../core/testing/logger';
import { until } from '../core/testing/until';
import type { Signal } from '../core/types';
import { writeRationale } from '../core/rationale/writer';
import { startOpenAIEmulator, type OpenAIEmulator } from '../sandbox/openai';
import { createOpenAIModel, type OpenAIModelSettings } from './openai-model';

const signal: Signal = {
  id: 'sig_1', publisherId: 'p1', symbol: 'BTC_USDT', market: 'spot', side: 'long', conviction: 0.82, band: 'A',
  reasons: ['breakout above the range', 'volume rising'], entry: 43000, stop: 41500, targets: [45000, 47000], horizon: '3d', persona: 'swing',
  createdAt: new Date(Date.UTC(2026, 2, 2)),
};

let emulator: OpenAIEmulator;
beforeAll(async () => {
  emulator = await startOpenAIEmulator();
});
afterEach(() => emulator.reset());
afterAll(() => emulator.stop());

const settings = (over: Partial<OpenAIModelSettings> = {}): OpenAIModelSettings => ({
  apiKey: emulator.apiKey, baseUrl: emulator.baseURL, model: 'gpt-4o-mini', timeoutMs: 5_000, maxTokens: 600, maxRetries: 0, ...over,
});
const write = (over: Partial<OpenAIModelSettings> = {}) => {
  const logger = recordingLogger();
  return writeRationale(signal, { model: createOpenAIModel(settings(over)), clock: systemClock, logger }).then((w) => ({ ...w, logger }));
};
const scripted = (summary: string) => JSON.stringify({ summary, drivers: ['breakout above the range'], risks: ['a fall through 41500'] });

describe('the rationale writer on the openai client', () => {
  it('asks once with the signal, a strict json_schema and the token limit, and keeps the checked answer with its tokens', async () => {
    const w = await write({ maxTokens: 321 });
    expect(w.source).toBe('model');
    expect(w.reason).toBeNull();
    expect(w.model).toBe('gpt-4o-mini');
    expect(w.body.summary).toContain('BTC');
    expect(w.body.drivers.length).toBeGreaterThan(0);
    expect(w.text).toBe(rationaleText(w.body));
    expect(w.promptTokens).toBeGreaterThan(20);
    expect(w.completionTokens).toBeGreaterThan(5);
    expect(emulator.calls).toHaveLength(1);
    const body = emulator.calls[0]?.body;
    expect(body?.max_completion_tokens).toBe(321);
    expect(body?.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'rationale', strict: true } });
    const user = String(body?.messages[1]?.content);
    for (const part of ['Symbol: BTC_USDT', 'Side: long', 'band A', 'Entry: 43000', 'Stop: 41500', 'Targets: 45000, 47000', 'Horizon: 3d', 'Strategy: swing', '- volume rising']) expect(user).toContain(part);
  });

  it('uses the template (timeout) when the model does not answer in time', async () => {
    emulator.hang();
    const w = await write({ timeoutMs: 300 });
    expect(w).toMatchObject({ source: 'template', reason: 'timeout', model: null, promptTokens: 0 });
    expect(w.body.drivers).toEqual(signal.reasons);
    expect(w.body.summary).toBe('Long BTC_USDT (spot) from 43000 from the swing strategy: band A, conviction 82%.');
    expect(w.body.risks).toEqual(['A move through the stop at 41500 ends the trade at a loss.', 'The call is for a 3d horizon; it may not hold beyond it.']);
  });

  it('takes the answer after a 429, the SDK retrying once: one write, two requests', async () => {
    emulator.failNext(429, { retryAfter: 0.01 });
    const w = await write({ maxRetries: 2 });
    expect(w.source).toBe('model');
    expect(emulator.calls.map((c) => [c.status, c.retryCount])).toEqual([[429, 0], [200, 1]]);
  });

  it('uses the template (rate_limited) when the 429s outlast the retries', async () => {
    emulator.failNext(429, { retryAfter: 0.01, count: 3 });
    const w = await write({ maxRetries: 1 });
    expect(w).toMatchObject({ source: 'template', reason: 'rate_limited' });
    expect(emulator.calls).toHaveLength(2);
  });

  it('gives the call up at once when aborted while the client waits out a 429\'s retry-after (the service\'s stop never waits a minute for it)', async () => {
    emulator.failNext(429, { retryAfter: 60, count: 3 });
    const stop = new AbortController();
    const writing = writeRationale(signal, { model: createOpenAIModel(settings({ maxRetries: 2 })), clock: systemClock, logger: recordingLogger(), signal: stop.signal });
    await until(() => emulator.calls.length === 1, 'the first request');
    // Now the client sleeps 60 s before its retry; the stop comes.
    stop.abort();
    // Settles at once: without the race it would wait the retry-after's 60 s, past the test's timeout.
    expect(await writing).toMatchObject({ source: 'template', reason: 'timeout' });
    expect(emulator.calls.map((c) => c.status)).toEqual([429]);
  });

  it('uses the template (unavailable) on a 500', async () => {
    emulator.failNext(500);
    expect(await write()).toMatchObject({ source: 'template', reason: 'unavailable' });
  });

  it('uses the template (unparsable) for an answer that is not JSON, still counting its tokens', async () => {
    emulator.scriptNext('Bitcoin looks great, buy it.');
    const w = await write();
    expect(w).toMatchObject({ source: 'template', reason: 'unparsable', model: null });
    expect(w.completionTokens).toBeGreaterThan(0);
  });

  it('uses the template (empty) for an empty summary', async () => {
    emulator.scriptNext(JSON.stringify({ summary: '  ', drivers: [], risks: [] }));
    expect(await write()).toMatchObject({ source: 'template', reason: 'empty' });
  });

  it('uses the template (contradiction) for an answer that calls the other side', async () => {
    emulator.scriptNext(scripted('Go short BTC_USDT: the breakout will fail.'));
    const w = await write();
    expect(w).toMatchObject({ source: 'template', reason: 'contradiction' });
    expect(w.logger.records.some((r) => String(r.msg).includes('calls "short" on a long signal'))).toBe(true);
  });

  it('uses the template (contradiction) for an answer about another symbol', async () => {
    emulator.scriptNext(scripted('ETH is set to rise: a long position in ETH from here.'));
    expect(await write()).toMatchObject({ source: 'template', reason: 'contradiction' });
  });

  it('without a key nor a base URL calls no model: the template, no_model', async () => {
    expect(createOpenAIModel(settings({ apiKey: undefined, baseUrl: undefined }))).toBeNull();
    const w = await write({ apiKey: undefined, baseUrl: undefined });
    expect(w).toMatchObject({ source: 'template', reason: 'no_model' });
    expect(emulator.calls).toHaveLength(0);
  });

  it('reads a refused key as an error without putting the key in the message', async () => {
    const w = await write({ apiKey: 'sk-wrong-secret-123' });
    expect(w).toMatchObject({ source: 'template', reason: 'error' });
    const logged = JSON.stringify(w.logger.records.map((r) => r.msg));
    expect(logged).toContain('401');
    expect(logged).not.toContain('sk-wrong-secret-123');
  });
});
