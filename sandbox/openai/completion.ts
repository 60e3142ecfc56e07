// The chat completion object and its streamed chunks (SSE `data:` lines ending in `data: [DONE]`), as OpenAI shapes them.
import type { EmulatorResponse } from '../base/emulator';
import { rateLimitHeaders } from './errors';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface CompletionParts {
  id: string;
  model: string;
  created: number;
  content: string;
  finishReason: 'stop' | 'length';
  usage: Usage;
}

function fullUsage(usage: Usage): Record<string, unknown> {
  return {
    ...usage,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

function headers(requestId: string, contentType: string): Record<string, string> {
  return { 'content-type': contentType, 'x-request-id': requestId, 'openai-processing-ms': '1', ...rateLimitHeaders(false) };
}

export function completionResponse(parts: CompletionParts): EmulatorResponse {
  return {
    status: 200,
    headers: headers(`req_${parts.id}`, 'application/json'),
    body: {
      id: `chatcmpl-${parts.id}`,
      object: 'chat.completion',
      created: parts.created,
      model: parts.model,
      choices: [{ index: 0, message: { role: 'assistant', content: parts.content, refusal: null, annotations: [] }, logprobs: null, finish_reason: parts.finishReason }],
      usage: fullUsage(parts.usage),
      service_tier: 'default',
      system_fingerprint: 'fp_emulator',
    },
  };
}

/** The content cut in pieces of a word each (spaces kept), so a client must assemble them. */
export function splitContent(content: string): string[] {
  return content.match(/\S+\s*|\s+/g) ?? [];
}

export function streamResponse(parts: CompletionParts, includeUsage: boolean): EmulatorResponse {
  const base = { id: `chatcmpl-${parts.id}`, object: 'chat.completion.chunk', created: parts.created, model: parts.model, service_tier: 'default', system_fingerprint: 'fp_emulator' };
  const usageField = includeUsage ? { usage: null } : {};
  const chunk = (delta: Record<string, unknown>, finish: string | null): unknown => ({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...usageField });
  const events: unknown[] = [chunk({ role: 'assistant', content: '', refusal: null }, null)];
  for (const piece of splitContent(parts.content)) events.push(chunk({ content: piece }, null));
  events.push(chunk({}, parts.finishReason));
  if (includeUsage) events.push({ ...base, choices: [], usage: fullUsage(parts.usage) });
  const body = events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('') + 'data: [DONE]\n\n';
  return { status: 200, headers: { ...headers(`req_${parts.id}`, 'text/event-stream; charset=utf-8'), 'cache-control': 'no-cache' }, body };
}
