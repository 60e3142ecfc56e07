// What a Web API method is to the emulator: the tokens it takes, the scope it needs, and a handler
// over the state that returns the answer's fields (or throws a SlackApiError); plus parameter readers.
import { SlackApiError, slackErrors } from '../errors';
import type { SlackState, TokenKind, TokenRecord, Workspace } from '../state';

export interface MethodContext {
  state: SlackState;
  params: Record<string, unknown>;
  /** The caller's token record (absent only for methods that take none). */
  auth: TokenRecord | undefined;
  /** The caller's workspace (for bot and user tokens). */
  ws: Workspace | undefined;
  /** What the emulator does beyond the state: uninstall a workspace, revoke a token, open a socket. */
  hooks: MethodHooks;
}

export interface MethodHooks {
  uninstall(teamId: string): void;
  revoke(token: TokenRecord): void;
  socketUrl(): string;
  /** Where the bytes of an upload go (files.getUploadURLExternal): a URL on the emulator's own port. */
  uploadUrl(fileId: string): string;
  /** Exchanges an OAuth code (oauth.v2.access). */
  redeemCode(code: string, redirectUri: string | undefined): Record<string, unknown>;
}

export interface SlackMethod {
  /** Token kinds it takes; 'none' for oauth.v2.access (client id and secret instead). Default: bot or user. */
  tokens?: TokenKind[] | 'none';
  /** Scope the token must have (`missing_scope` without it); several: any one of them. */
  scope?: string | string[];
  handler(ctx: MethodContext): Record<string, unknown>;
}

export function str(params: Record<string, unknown>, name: string): string | undefined {
  const v = params[name];
  if (v === undefined || v === null || v === '') return undefined;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

export function required(params: Record<string, unknown>, name: string): string {
  const v = str(params, name);
  if (v === undefined) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: [`[ERROR] missing required field: ${name}`] } });
  return v;
}

export function bool(params: Record<string, unknown>, name: string): boolean | undefined {
  const v = params[name];
  if (v === undefined || v === '') return undefined;
  return v === true || v === 'true' || v === '1' || v === 1;
}

/** A JSON parameter (blocks): sent as a JSON string in a form, or as a value in a JSON body. */
export function json(params: Record<string, unknown>, name: string): unknown {
  const v = params[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    throw slackErrors.invalidBlocks([`invalid JSON [json-pointer:/${name}]`]);
  }
}

export function workspaceOf(ctx: MethodContext): Workspace {
  if (!ctx.ws) throw slackErrors.invalidAuth();
  return ctx.ws;
}
