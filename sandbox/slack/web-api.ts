// The Web API at /api/<method>: parameters from the query, a form or a JSON body; the token from
// `Authorization: Bearer` or `token`; Slack's order of refusals (unknown method, injected failure,
// auth, token kind, scope, rate limit); every call logged with its outcome; `x-slack-req-id` on each answer.
import { randomUUID } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse } from '../base/emulator';
import { SlackApiError, slackErrors } from './errors';
import { appMethods } from './methods/apps';
import { chatMethods } from './methods/chat';
import { conversationMethods } from './methods/conversations';
import { fileMethods } from './methods/files';
import type { MethodHooks, SlackMethod } from './methods/method';
import type { SlackRateLimiter } from './rate-limits';
import type { ApiCall, SlackState, TokenRecord } from './state';

export const slackMethods: Record<string, SlackMethod> = { ...appMethods, ...chatMethods, ...conversationMethods, ...fileMethods };

/** Parameters never written to the call log as they came (secrets). */
const SECRET_PARAMS = new Set(['token', 'client_secret', 'code']);

function paramsOf(req: EmulatorRequest): Record<string, unknown> {
  const params: Record<string, unknown> = Object.fromEntries(req.query.entries());
  if (req.body instanceof URLSearchParams) Object.assign(params, Object.fromEntries(req.body.entries()));
  else if (req.body && typeof req.body === 'object') Object.assign(params, req.body);
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Basic ') && params.client_id === undefined) {
    const [id, secret] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
    params.client_id = id;
    params.client_secret = secret;
  }
  return params;
}

function tokenOf(req: EmulatorRequest, params: Record<string, unknown>): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim() || undefined;
  return typeof params.token === 'string' && params.token ? params.token : undefined;
}

export interface WebApiDeps {
  state: SlackState;
  limiter: SlackRateLimiter;
  hooks: MethodHooks;
  /** Errors to answer instead, by method, in order (failNext). */
  failures: Map<string, string[]>;
}

function scopeMissing(method: SlackMethod, auth: TokenRecord): string | undefined {
  if (!method.scope) return undefined;
  const any = Array.isArray(method.scope) ? method.scope : [method.scope];
  return any.some((s) => auth.scopes.includes(s)) ? undefined : any[0];
}

/** Answers one Web API call and logs it in `state.calls`. */
export function handleWebApi(deps: WebApiDeps, req: EmulatorRequest): EmulatorResponse {
  const name = req.params.method ?? '';
  const params = paramsOf(req);
  const call: ApiCall = { at: deps.state.clock.now(), method: name, params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, SECRET_PARAMS.has(k) ? '[redacted]' : v])), status: 200, ok: false };
  deps.state.calls.push(call);
  const headers = { 'x-slack-req-id': randomUUID().replace(/-/g, '') };
  const fail = (err: SlackApiError): EmulatorResponse => {
    call.error = err.error;
    return { status: 200, headers, body: { ok: false, error: err.error, ...err.extra } };
  };

  const method = slackMethods[name];
  if (!method) return fail(slackErrors.unknownMethod());
  let auth: TokenRecord | undefined;
  if (method.tokens !== 'none') {
    const token = tokenOf(req, params);
    if (!token) return fail(slackErrors.notAuthed());
    auth = deps.state.tokens.get(token) ?? (token === deps.state.app.appToken ? { token, kind: 'app', scopes: ['connections:write'] } : undefined);
    if (!auth) return fail(slackErrors.invalidAuth());
    call.tokenKind = auth.kind;
    if (auth.teamId) call.team = auth.teamId;
    if (auth.dead) return fail(new SlackApiError(auth.dead));
    if (!(method.tokens ?? ['bot', 'user']).includes(auth.kind)) return fail(slackErrors.notAllowedTokenType());
    const missing = scopeMissing(method, auth);
    if (missing) return fail(slackErrors.missingScope(missing, auth.scopes));
  }
  const queued = deps.failures.get(name);
  if (queued?.length) return fail(new SlackApiError(queued.shift()!));

  const decision = deps.limiter.check(name, auth?.teamId ?? '', typeof params.channel === 'string' ? params.channel : undefined);
  if (decision.retryAfter !== undefined) {
    call.status = 429;
    call.error = 'ratelimited';
    return { status: 429, headers: { ...headers, 'retry-after': String(decision.retryAfter) }, body: { ok: false, error: 'ratelimited' } };
  }
  try {
    const ws = auth?.teamId ? deps.state.workspaces.get(auth.teamId) : undefined;
    const result = method.handler({ state: deps.state, params, auth, ws, hooks: deps.hooks });
    call.ok = true;
    return { status: 200, headers, body: { ok: true, ...result } };
  } catch (err) {
    if (err instanceof SlackApiError) return fail(err);
    throw err;
  }
}
