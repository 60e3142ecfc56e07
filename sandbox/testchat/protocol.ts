// Testchat's wire protocol on the emulator's side: its error answers, its 429s, its stats, and reading a JSON body.
import type { RateLimitScope } from '../../core/delivery/chat-platform';
import type { EmulatorResponse, Fault } from '../base/emulator';
import type { ViolationKind } from './limits';

export interface TestchatStats {
  /** Message sends that reached the emulator. */
  requests: number;
  accepted: number;
  /** 429s the emulator was told to give (the random share and failNext). */
  injected429: number;
  /** Requests that broke a rule: arrived inside a retry_after, or over a window. Each got a 429. */
  violations: number;
  violationsByKind: Record<ViolationKind, number>;
  blocked: number;
  notFound: number;
  /** Accepted messages with the same chat and text as an earlier one. */
  duplicates: number;
  firstAcceptedAt: number | null;
  lastAcceptedAt: number | null;
}

/** The longest text testchat takes. */
export const MAX_TEXT = 4000;
/**
 * A fault for failNext: the shared ones, or a 429 naming its scope ('global' as the shared fault's
 * `global: true`). The platform has one route, so a 'route' 429 holds every chat back, like a global
 * one; it does not know tenants, so a 'tenant' 429 holds that chat only, as a 'chat' one does.
 */
export type TestchatFault = Fault | { kind: 'rate_limit'; retryAfterSeconds: number; scope: RateLimitScope; bucket?: string };

/** The scope an injected 429 names. */
export function faultScope(fault: Extract<Fault, { kind: 'rate_limit' }>): { scope: RateLimitScope; bucket?: string } {
  const named = fault as Extract<TestchatFault, { scope: RateLimitScope }>;
  if (named.scope) return named.bucket === undefined ? { scope: named.scope } : { scope: named.scope, bucket: named.bucket };
  return { scope: fault.global ? 'global' : 'chat' };
}

/** An answer in testchat's error shape. */
export const errorAnswer = (status: number, code: string, message: string, extra: { scope?: RateLimitScope; bucket?: string; retry_after_ms?: number } = {}): EmulatorResponse => ({
  status,
  ...(extra.retry_after_ms !== undefined ? { headers: { 'retry-after': String(Math.ceil(extra.retry_after_ms / 1000)) } } : {}),
  body: { error: { code, message, ...extra } },
});

export const tooManyRequests = (retryAfterSeconds: number, scope: RateLimitScope, bucket?: string): EmulatorResponse =>
  errorAnswer(429, 'rate_limited', `too many messages${scope === 'chat' ? ' to this chat' : ''}: retry after ${retryAfterSeconds} s`, {
    scope, ...(bucket === undefined ? {} : { bucket }), retry_after_ms: retryAfterSeconds * 1000,
  });

export const isSend = (req: { method: string; path: string }) => req.method === 'POST' && req.path === '/v1/messages';

/** A string field of a JSON body (numbers are read as their digits). */
export function field(body: unknown, name: string): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

export function emptyStats(): TestchatStats {
  return {
    requests: 0,
    accepted: 0,
    injected429: 0,
    violations: 0,
    violationsByKind: { retry_after: 0, overall: 0, per_chat: 0, per_group: 0 },
    blocked: 0,
    notFound: 0,
    duplicates: 0,
    firstAcceptedAt: null,
    lastAcceptedAt: null,
  };
}
