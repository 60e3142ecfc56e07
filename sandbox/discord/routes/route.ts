// One REST v10 route of the Discord emulator: its method and template, and the handler it runs.
import type { UploadedFile } from '../../telegram/multipart';
import type { DiscordState } from '../state';

/** What a route handler gets. */
export interface RouteContext {
  state: DiscordState;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** Files sent with a multipart body (`files[n]`); empty for JSON. */
  files: UploadedFile[];
}

/** A handler's answer: a JSON body (200), or `undefined` for 204 No Content. */
export type RouteHandler = (ctx: RouteContext) => unknown;

export interface DiscordRoute {
  method: string;
  /** "/channels/:id/messages"; ":id" after channels or guilds is the major parameter. */
  template: string;
  handler: RouteHandler;
  /** Answered without Authorization and outside the global limit, as Discord answers interaction callbacks. */
  noAuth?: boolean;
}

export interface MatchedRoute {
  route: DiscordRoute;
  params: Record<string, string>;
  /** "METHOD /template": the rate-limit key. */
  key: string;
  /** The channel or guild id the route's bucket is per ('' when none). */
  major: string;
}

/** Finds the route for a path below /api/v10. */
export function matchRoute(routes: readonly DiscordRoute[], method: string, path: string): MatchedRoute | undefined {
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    if (route.method !== method) continue;
    const template = route.template.split('/').filter(Boolean);
    if (template.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = template.every((t, i) => {
      const part = decodeURIComponent(parts[i] ?? '');
      if (t.startsWith(':')) {
        params[t.slice(1)] = part;
        return true;
      }
      return t === part;
    });
    if (!ok) continue;
    let major = (template[0] === 'channels' || template[0] === 'guilds') && template[1] === ':id' ? (params.id ?? '') : '';
    if (template[0] === 'webhooks' || template[0] === 'interactions') major = params.token ?? '';
    return { route, params, key: `${method} ${route.template}`, major };
  }
  return undefined;
}

/** The JSON body as an object (an empty one when absent or not an object). */
export function bodyObject(body: unknown): Record<string, unknown> {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
