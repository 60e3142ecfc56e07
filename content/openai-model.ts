// The RationaleModel on the openai client: one chat completion with a strict json_schema answer, the SDK's errors turned into the port's codes.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, RateLimitError } from 'openai';
import { RationaleModelError, type ModelAnswer, type RationaleModel } from '../core/rationale/ports';
import type { RationalePrompt } from '../core/rationale/prompt';

export interface OpenAIModelSettings {
  apiKey: string | undefined;
  /** Any OpenAI-compatible server's base URL, with /v1. */
  baseUrl: string | undefined;
  model: string;
  timeoutMs: number;
  maxTokens: number;
  maxRetries: number;
}

/** A local model's server takes any key; the client insists on one. */
const LOCAL_KEY = 'no-key';

/** The SDK's failure as the port's code. Never carries the key: the message is ours, the SDK error is the cause. */
export function toModelError(err: unknown): RationaleModelError {
  if (err instanceof RationaleModelError) return err;
  if (err instanceof APIConnectionTimeoutError || err instanceof APIUserAbortError) return new RationaleModelError('timeout', 'the model did not answer in time', { cause: err });
  if (err instanceof RateLimitError) return new RationaleModelError('rate_limited', 'the model is rate limited (429) after the retries', { cause: err });
  if (err instanceof APIConnectionError) return new RationaleModelError('unavailable', 'the model could not be reached', { cause: err });
  if (err instanceof APIError && typeof err.status === 'number') {
    const code = typeof err.code === 'string' ? ` (${err.code})` : '';
    if (err.status >= 500) return new RationaleModelError('unavailable', `the model's server failed with ${err.status}${code}`, { cause: err });
    return new RationaleModelError('error', `the model refused the request with ${err.status}${code}`, { cause: err });
  }
  return new RationaleModelError('error', `the model call failed: ${(err as Error | undefined)?.message ?? String(err)}`, { cause: err });
}

/**
 * The call, given up the moment `signal` aborts: the client listens to the signal only while a
 * request is under way, not while it waits out a 429's retry-after (up to a minute) before its
 * retry, which would hold the service's stop that long. The call left behind ends by itself at that
 * retry (its signal is aborted); its outcome is ignored.
 */
async function untilAborted<T>(call: Promise<T>, signal: AbortSignal): Promise<T> {
  call.catch(() => undefined);
  if (signal.aborted) throw new APIUserAbortError();
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new APIUserAbortError());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([call, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Null without a key and without a base URL (no model: the template, reason no_model). A base URL
 * without a key is a local model: a placeholder key is sent.
 */
export function createOpenAIModel(settings: OpenAIModelSettings): RationaleModel | null {
  if (!settings.apiKey && !settings.baseUrl) return null;
  const client = new OpenAI({
    apiKey: settings.apiKey ?? LOCAL_KEY,
    baseURL: settings.baseUrl ?? null,
    timeout: settings.timeoutMs,
    maxRetries: settings.maxRetries,
  });
  return {
    async complete(prompt: RationalePrompt, options: { signal: AbortSignal }): Promise<ModelAnswer> {
      let completion;
      try {
        completion = await untilAborted(client.chat.completions.create({
          model: settings.model,
          messages: [{ role: 'system', content: prompt.system }, { role: 'user', content: prompt.user }],
          response_format: { type: 'json_schema', json_schema: { name: prompt.schemaName, schema: prompt.schema, strict: true } },
          max_completion_tokens: settings.maxTokens,
        }, { signal: options.signal }), options.signal);
      } catch (err) {
        throw toModelError(err);
      }
      const message = completion.choices[0]?.message;
      return {
        // A refusal or no choice is an empty answer; a cut answer (finish_reason 'length') fails to parse.
        body: message?.refusal ? null : (message?.content ?? null),
        model: completion.model,
        promptTokens: completion.usage?.prompt_tokens ?? 0,
        completionTokens: completion.usage?.completion_tokens ?? 0,
      };
    },
  };
}
