// The OpenAI emulator: `POST /v1/chat/completions` on the shared emulator base, with OpenAI's bearer
// auth, error bodies and rate-limit headers; plain, structured (json_schema) and streamed answers;
// drivers for faults (429, 5xx, hangs, slow answers) and scripted replies; every request recorded.
import { randomBytes } from 'node:crypto';
import { EmulatorServer, type EmulatorRequest, type EmulatorResponse, type Fault } from '../base/emulator';
import { completionResponse, streamResponse } from './completion';
import { openaiError, rateLimited, serverError } from './errors';
import { estimateTokens, promptTokens, schemaReply, textReply, type ChatMessage, type ReplySchema } from './reply';
import { validateChatRequest, type ChatRequest } from './request';

export interface OpenAIEmulatorOptions {
  /** The key clients must send as `Authorization: Bearer …`; a random `sk-emu-…` when absent. */
  apiKey?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
}

/** A completion request as the emulator received it. */
export interface ChatCall {
  at: number;
  /** The parsed JSON body (undefined when it was not JSON). */
  body: ChatRequest | undefined;
  status: number | undefined;
  /** The client's retry count (`x-stainless-retry-count`), 0 on a first attempt. */
  retryCount: number;
}

export interface FailOptions {
  /** Seconds, for a 429 (sent as `retry-after`, rounded up, and `retry-after-ms`); 1 when absent. */
  retryAfter?: number;
  /** OpenAI's error code: `rate_limit_exceeded` (default for 429), `insufficient_quota`, … */
  code?: string;
  /** How many requests in a row get it; 1 when absent. */
  count?: number;
}

type Pending = { kind: 'fail'; status: number; options: FailOptions } | { kind: 'delay'; ms: number } | { kind: 'script'; content: string };

function renderFault(fault: Exclude<Fault, { kind: 'hang' }>): EmulatorResponse {
  switch (fault.kind) {
    case 'rate_limit':
      return rateLimited(fault.retryAfterSeconds);
    case 'server_error':
      return serverError(fault.status ?? 500);
    case 'platform_error':
      return openaiError(fault.status, fault.description, 'invalid_request_error', fault.code === undefined ? null : String(fault.code));
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/**
 * One emulated OpenAI. Point the openai client at `baseURL` with `apiKey`; command faults and
 * scripted replies with the drivers; read what it received in `calls`.
 */
export class OpenAIEmulator {
  readonly apiKey: string;
  readonly server: EmulatorServer;
  private pending: Pending[] = [];

  constructor(options: OpenAIEmulatorOptions = {}) {
    this.apiKey = options.apiKey ?? `sk-emu-${randomBytes(18).toString('base64url')}`;
    this.server = new EmulatorServer({ name: 'openai', port: options.port ?? 0, renderFault });
    this.server.route('POST', '/v1/chat/completions', (req) => this.complete(req));
    this.server.route('*', '/v1/*', (req) => openaiError(404, `Invalid URL (${req.method} ${req.path})`, 'invalid_request_error'));
  }

  async start(): Promise<string> {
    await this.server.start();
    return this.baseURL;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** `http://127.0.0.1:P/v1`, what the openai client takes as `baseURL`. */
  get baseURL(): string {
    return `${this.server.url}/v1`;
  }

  /** Every chat completion request, in the order received (faulted and unauthorised ones included). */
  get calls(): ChatCall[] {
    return this.server.requests
      .filter((r) => r.path === '/v1/chat/completions')
      .map((r) => ({ at: r.at, body: r.body as ChatRequest | undefined, status: r.status, retryCount: Number(r.headers['x-stainless-retry-count'] ?? 0) }));
  }

  /** The next `count` completions answer `status` in OpenAI's error shape: 429 with retry-after and x-ratelimit-* headers, a 5xx as a server_error, any other 4xx as an invalid_request_error. */
  failNext(status: number, options: FailOptions = {}): void {
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new Error(`failNext needs an HTTP error status (400-599), got ${status}`);
    for (let i = 0; i < (options.count ?? 1); i += 1) this.pending.push({ kind: 'fail', status, options });
  }

  /**
   * Slow or never: with `ms`, the next `count` completions are answered normally but only after `ms`
   * milliseconds; without, the next `count` requests get no answer at all until `clearFaults`, `reset` or `stop`.
   */
  hang(ms?: number, options: { count?: number } = {}): void {
    const count = options.count ?? 1;
    if (ms === undefined) {
      this.server.failNext({ kind: 'hang' }, { count });
      return;
    }
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`hang needs a delay of 0 ms or more, got ${ms}`);
    for (let i = 0; i < count; i += 1) this.pending.push({ kind: 'delay', ms });
  }

  /** The next successful completion's content is exactly `content` (plain, structured or streamed), e.g. one that contradicts the signal. */
  scriptNext(content: string): void {
    this.pending.push({ kind: 'script', content });
  }

  /** Drops pending faults, delays and scripts, and ends hanging requests. */
  clearFaults(): void {
    this.pending = [];
    this.server.clearFaults();
  }

  /** Forgets calls and everything pending. */
  reset(): void {
    this.clearFaults();
    this.server.resetBase();
  }

  private take<K extends Pending['kind']>(kind: K): Extract<Pending, { kind: K }> | undefined {
    const index = this.pending.findIndex((p) => p.kind === kind);
    if (index < 0) return undefined;
    const [taken] = this.pending.splice(index, 1);
    return taken as Extract<Pending, { kind: K }>;
  }

  private async complete(req: EmulatorRequest): Promise<EmulatorResponse> {
    const auth = req.headers.authorization;
    const header = Array.isArray(auth) ? auth[0] : auth;
    if (!header?.startsWith('Bearer ') || header.length <= 'Bearer '.length) {
      return openaiError(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", 'invalid_request_error');
    }
    if (header.slice('Bearer '.length) !== this.apiKey) {
      return openaiError(401, 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_request_error', 'invalid_api_key');
    }
    const fail = this.take('fail');
    if (fail) {
      if (fail.status === 429) return rateLimited(fail.options.retryAfter ?? 1, fail.options.code);
      if (fail.status >= 500) return serverError(fail.status, fail.options.code ?? null);
      return openaiError(fail.status, `The request was refused (emulated ${fail.status}).`, 'invalid_request_error', fail.options.code ?? null);
    }
    const checked = validateChatRequest(req.body);
    if (checked.kind === 'error') return openaiError(400, checked.message, 'invalid_request_error', null, checked.param);
    const body = checked.request;
    const delay = this.take('delay');
    if (delay) await sleep(delay.ms, req.signal);
    const messages = body.messages as ChatMessage[];
    const scripted = this.take('script');
    const format = body.response_format;
    let content: string;
    try {
      content = scripted?.content
        ?? (format?.type === 'json_schema' ? schemaReply(messages, (format.json_schema.schema ?? {}) as ReplySchema)
          : format?.type === 'json_object' ? JSON.stringify({ summary: textReply(messages) })
            : textReply(messages));
    } catch (err) {
      const name = format?.type === 'json_schema' ? format.json_schema.name : '';
      return openaiError(400, `Invalid schema for response_format '${name}': ${(err as Error).message}.`, 'invalid_request_error', null, 'response_format');
    }
    let finishReason: 'stop' | 'length' = 'stop';
    const limit = body.max_completion_tokens ?? body.max_tokens;
    if (typeof limit === 'number' && estimateTokens(content) > limit) {
      content = content.slice(0, limit * 4);
      finishReason = 'length';
    }
    const prompt = promptTokens(messages);
    const completion = estimateTokens(content);
    const parts = {
      id: randomBytes(12).toString('base64url'),
      model: body.model,
      created: Math.floor(Date.now() / 1000),
      content,
      finishReason,
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
    };
    return body.stream ? streamResponse(parts, body.stream_options?.include_usage === true) : completionResponse(parts);
  }
}

export async function startOpenAIEmulator(options?: OpenAIEmulatorOptions): Promise<OpenAIEmulator> {
  const emulator = new OpenAIEmulator(options);
  await emulator.start();
  return emulator;
}
