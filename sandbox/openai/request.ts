// The chat completion request the emulator reads, checked as OpenAI checks it: a clear 400 naming the field.
export interface ChatRequest {
  model: string;
  messages: { role: string; content?: unknown }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  response_format?: { type: 'text' } | { type: 'json_object' } | { type: 'json_schema'; json_schema: { name: string; schema?: unknown; strict?: boolean } };
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
}

export type Checked = { kind: 'ok'; request: ChatRequest } | { kind: 'error'; message: string; param: string | null };

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

function error(message: string, param: string | null): Checked {
  return { kind: 'error', message, param };
}

export function validateChatRequest(body: unknown): Checked {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return error('We could not parse the JSON body of your request.', null);
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || b.model === '') return error('you must provide a model parameter', 'model');
  if (!Array.isArray(b.messages)) return error("Missing required parameter: 'messages'.", 'messages');
  if (b.messages.length === 0) return error("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages');
  for (const [i, m] of (b.messages as unknown[]).entries()) {
    const role = (m as { role?: unknown } | null)?.role;
    if (typeof role !== 'string' || !ROLES.has(role)) return error(`Invalid value for 'messages[${i}].role'.`, `messages[${i}].role`);
  }
  const format = b.response_format as { type?: unknown; json_schema?: { name?: unknown } } | undefined;
  if (format !== undefined) {
    if (!['text', 'json_object', 'json_schema'].includes(String(format.type))) return error(`Invalid value for 'response_format.type': ${String(format.type)}.`, 'response_format.type');
    if (format.type === 'json_schema' && typeof format.json_schema?.name !== 'string') return error("Missing required parameter: 'response_format.json_schema.name'.", 'response_format.json_schema.name');
  }
  for (const key of ['max_tokens', 'max_completion_tokens'] as const) {
    const v = b[key];
    if (v !== undefined && v !== null && (!Number.isInteger(v) || (v as number) < 1)) return error(`Invalid '${key}': expected an integer of at least 1.`, key);
  }
  return { kind: 'ok', request: b as unknown as ChatRequest };
}
