// The real openai client against the emulator: plain, structured and streamed completions, its
// error classes for 401, 429 and timeouts, its own retries counted, and scripted replies returned as is.
import OpenAI, { APIConnectionTimeoutError, AuthenticationError, BadRequestError, InternalServerError, RateLimitError } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SchemaWalker, type Schema } from '../base/schema-walk';
import { startOpenAIEmulator, type OpenAIEmulator } from './index';

const signalPrompt: OpenAI.Chat.ChatCompletionMessageParam[] = [
  { role: 'system', content: 'You explain trading signals in two sentences.' },
  { role: 'user', content: 'Symbol: ETHUSDT\nSide: short\nConviction: 72 (high)\nReasons: lower highs; funding positive' },
];

const rationaleSchema = {
  type: 'object',
  properties: {
    summary: { type: 'string' },
    drivers: { type: 'array', items: { type: 'string' } },
    risks: { type: 'array', items: { type: 'string' } },
  },
  required: ['summary', 'drivers', 'risks'],
  additionalProperties: false,
};

let emulator: OpenAIEmulator;

function client(options: { apiKey?: string; maxRetries?: number; timeout?: number } = {}): OpenAI {
  return new OpenAI({ apiKey: options.apiKey ?? emulator.apiKey, baseURL: emulator.baseURL, maxRetries: options.maxRetries ?? 0, timeout: options.timeout ?? 5_000 });
}

beforeAll(async () => {
  emulator = await startOpenAIEmulator();
});
afterEach(() => emulator.reset());
afterAll(() => emulator.stop());

describe('OpenAI emulator with the openai client', () => {
  it('listens on loopback and gives the client a /v1 base URL', () => {
    expect(emulator.baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });

  it('answers a plain completion with the model echoed, text naming the symbol and side, and usage counts', async () => {
    const completion = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: signalPrompt });
    const content = completion.choices[0]?.message.content ?? '';
    expect(completion.model).toBe('gpt-4o-mini');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(content).toContain('ETHUSDT');
    expect(content).toContain('short');
    const usage = completion.usage;
    expect(usage?.prompt_tokens).toBeGreaterThan(10);
    expect(usage?.completion_tokens).toBeGreaterThan(5);
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));
    expect(emulator.calls).toHaveLength(1);
    expect(emulator.calls[0]?.body?.messages).toEqual(signalPrompt);
    expect(emulator.calls[0]?.status).toBe(200);
  });

  it('says the same thing for the same prompt and something else for another', async () => {
    const once = await client().chat.completions.create({ model: 'm', messages: signalPrompt });
    const again = await client().chat.completions.create({ model: 'm', messages: signalPrompt });
    const other = await client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'Symbol: SOLUSDT side: long' }] });
    expect(again.choices[0]?.message.content).toBe(once.choices[0]?.message.content);
    expect(other.choices[0]?.message.content).toContain('SOLUSDT');
    expect(other.choices[0]?.message.content).toContain('long');
  });

  it('answers a json_schema response format with JSON that fits the schema, parsed by the client', async () => {
    const completion = await client().chat.completions.parse({
      model: 'gpt-4o-mini',
      messages: signalPrompt,
      response_format: { type: 'json_schema', json_schema: { name: 'rationale', strict: true, schema: rationaleSchema } },
    });
    const parsed = completion.choices[0]?.message.parsed as unknown as { summary: string; drivers: string[]; risks: string[] };
    expect(new SchemaWalker({ refs: () => undefined }).check(rationaleSchema as Schema, parsed, 'rationale')).toEqual([]);
    expect(parsed.summary).toContain('ETHUSDT');
    expect(parsed.summary).toContain('short');
    expect(parsed.drivers.length).toBeGreaterThanOrEqual(2);
    expect(parsed.risks.length).toBeGreaterThanOrEqual(2);
    expect(emulator.calls[0]?.body?.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'rationale' } });
  });

  it('streams the answer in chunks that assemble into the plain answer, with usage last when asked', async () => {
    const plain = await client().chat.completions.create({ model: 'm', messages: signalPrompt });
    const stream = await client().chat.completions.create({ model: 'm', messages: signalPrompt, stream: true, stream_options: { include_usage: true } });
    const pieces: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) pieces.push(choice.delta.content);
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.join('')).toBe(plain.choices[0]?.message.content);
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: plain.usage?.prompt_tokens, completion_tokens: plain.usage?.completion_tokens });
    expect(emulator.calls[1]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('refuses a wrong key with 401 in OpenAI error shape, which the client raises as AuthenticationError without the key in it', async () => {
    const error = await client({ apiKey: 'sk-wrong-key-123' }).chat.completions.create({ model: 'm', messages: signalPrompt }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    const auth = error as AuthenticationError;
    expect(auth.status).toBe(401);
    expect(auth.code).toBe('invalid_api_key');
    expect(auth.type).toBe('invalid_request_error');
    expect(auth.param).toBeNull();
    expect(auth.message).not.toContain('sk-wrong-key-123');
    expect(emulator.calls.map((c) => c.status)).toEqual([401]);
  });

  it('answers 429 with retry-after and x-ratelimit headers until the client gives up after its own retries', async () => {
    emulator.failNext(429, { retryAfter: 0.01, count: 3 });
    const error = await client({ maxRetries: 2 }).chat.completions.create({ model: 'm', messages: signalPrompt }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    const limited = error as RateLimitError;
    expect(limited.code).toBe('rate_limit_exceeded');
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('retry-after-ms')).toBe('10');
    expect(limited.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(emulator.calls.map((c) => [c.status, c.retryCount])).toEqual([[429, 0], [429, 1], [429, 2]]);
  });

  it('lets the client through on its retry once a 429 has passed, and a 500 or 400 on command is raised as its error class', async () => {
    emulator.failNext(429, { retryAfter: 0.01 });
    const completion = await client({ maxRetries: 2 }).chat.completions.create({ model: 'm', messages: signalPrompt });
    expect(completion.choices[0]?.message.content).toContain('ETHUSDT');
    emulator.failNext(500);
    const error = await client().chat.completions.create({ model: 'm', messages: signalPrompt }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    emulator.failNext(400, { code: 'context_length_exceeded' });
    const refused = await client().chat.completions.create({ model: 'm', messages: signalPrompt }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BadRequestError);
    expect((refused as BadRequestError).code).toBe('context_length_exceeded');
    expect(emulator.calls.map((c) => c.status)).toEqual([429, 200, 500, 400]);
  });

  it('holds a request unanswered so the client times out with APIConnectionTimeoutError', async () => {
    emulator.hang();
    const error = await client({ timeout: 200 }).chat.completions.create({ model: 'm', messages: signalPrompt }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect(emulator.calls).toHaveLength(1);
  });

  it('answers slowly on command: a client with too short a timeout gives up, the next request is answered', async () => {
    emulator.hang(1_000);
    const error = await client({ timeout: 100 }).chat.completions.create({ model: 'm', messages: signalPrompt }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    emulator.hang(50);
    const completion = await client({ timeout: 5_000 }).chat.completions.create({ model: 'm', messages: signalPrompt });
    expect(completion.choices[0]?.message.content).toContain('ETHUSDT');
  });

  it('returns a scripted reply as is, structured or streamed, once', async () => {
    const contradiction = JSON.stringify({ summary: 'BTCUSDT long: buy now.', drivers: ['hype'], risks: [] });
    emulator.scriptNext(contradiction);
    const completion = await client().chat.completions.create({
      model: 'm',
      messages: signalPrompt,
      response_format: { type: 'json_schema', json_schema: { name: 'rationale', schema: rationaleSchema } },
    });
    expect(completion.choices[0]?.message.content).toBe(contradiction);
    emulator.scriptNext('not json at all');
    const stream = await client().chat.completions.create({ model: 'm', messages: signalPrompt, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('not json at all');
    const after = await client().chat.completions.create({ model: 'm', messages: signalPrompt });
    expect(after.choices[0]?.message.content).toContain('ETHUSDT');
  });

  it('cuts the answer at max_completion_tokens with finish_reason length', async () => {
    const completion = await client().chat.completions.create({ model: 'm', messages: signalPrompt, max_completion_tokens: 3 });
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBe(3);
  });

  it('rejects a json_schema it cannot follow with a 400 naming response_format', async () => {
    const error = await client().chat.completions.create({
      model: 'm',
      messages: signalPrompt,
      response_format: { type: 'json_schema', json_schema: { name: 'broken', schema: { $ref: '#/$defs/Nowhere' } } },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).param).toBe('response_format');
    expect((error as BadRequestError).message).toContain('#/$defs/Nowhere');
  });

  it('refuses a fault command that is not an error status or a delay, changing nothing', async () => {
    expect(() => emulator.failNext(200)).toThrow('failNext needs an HTTP error status (400-599), got 200');
    expect(() => emulator.hang(-1)).toThrow('hang needs a delay of 0 ms or more, got -1');
    const completion = await client().chat.completions.create({ model: 'm', messages: signalPrompt });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  });

  it('rejects a request without messages with a 400 naming the parameter', async () => {
    const error = await client().chat.completions.create({ model: 'm', messages: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).param).toBe('messages');
  });
});
