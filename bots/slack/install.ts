// The OAuth v2 install per workspace: GET /slack/install sends the admin to Slack with a single-use state bound to their browser; GET /slack/oauth_redirect stores the installation.
import { randomBytes } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import type { AdapterRequest, AdapterResponse, AdapterRoute } from '../../core/platform/adapter';
import { Secret } from '../../core/tenancy/secret';
import type { InstallationStore } from '../../core/tenancy/installations';
import { BOT_SCOPES, INSTALL_PATH, REDIRECT_PATH } from './scopes';

/** How long a state is good for. */
export const STATE_TTL_MS = 10 * 60_000;
const COOKIE = 'slack_oauth_state';
/** The most states waiting at once; beyond it the oldest go. */
const MAX_STATES = 10_000;

export interface InstallDeps {
  clientId: string;
  clientSecret: string;
  /** SLACK_AUTHORIZE_URL. */
  authorizeUrl: string;
  /** PUBLIC_URL: the redirect is PUBLIC_URL/slack/oauth_redirect. */
  publicUrl: string;
  /** A Web API client without a token, for oauth.v2.access. */
  api: () => WebClient;
  installations: InstallationStore;
  clock: Clock;
  logger: Logger;
  /** Told of each install, after it is stored (the adapter forgets a refused token then). */
  onInstalled?: ((team: string) => void) | undefined;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(status: number, title: string, text: string, headers: Record<string, string> = {}): AdapterResponse {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`;
  return { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers }, body: html };
}

function cookieOf(request: AdapterRequest, name: string): string | undefined {
  const raw = request.headers.cookie;
  const line = Array.isArray(raw) ? raw.join('; ') : raw ?? '';
  for (const part of line.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** The two routes of the install, and the states they hand out (in memory: a restart asks the admin to start again). */
export function installRoutes(deps: InstallDeps): AdapterRoute[] {
  const states = new Map<string, number>();
  const redirectUri = `${deps.publicUrl}${REDIRECT_PATH}`;
  const secure = deps.publicUrl.startsWith('https://') ? '; Secure' : '';
  const clearCookie = `${COOKIE}=; Path=/slack; HttpOnly; SameSite=Lax; Max-Age=0${secure}`;
  const refused = (why: string) => {
    deps.logger.warn({ reason: why }, 'a Slack install callback was refused');
    return page(403, 'This install link is not valid', `${why}. Start again from ${deps.publicUrl}/slack/install.`, { 'set-cookie': clearCookie });
  };

  const install: AdapterRoute = {
    method: 'GET',
    path: INSTALL_PATH,
    async handle() {
      const now = deps.clock.now();
      for (const [state, expires] of states) if (expires <= now || states.size >= MAX_STATES) states.delete(state);
      const state = randomBytes(24).toString('base64url');
      states.set(state, now + STATE_TTL_MS);
      const url = new URL(deps.authorizeUrl);
      url.searchParams.set('client_id', deps.clientId);
      url.searchParams.set('scope', BOT_SCOPES.join(','));
      url.searchParams.set('state', state);
      url.searchParams.set('redirect_uri', redirectUri);
      return {
        status: 302,
        headers: { location: url.toString(), 'cache-control': 'no-store', 'set-cookie': `${COOKIE}=${state}; Path=/slack; HttpOnly; SameSite=Lax; Max-Age=${STATE_TTL_MS / 1000}${secure}` },
        body: '',
      };
    },
  };

  const redirect: AdapterRoute = {
    method: 'GET',
    path: REDIRECT_PATH,
    async handle(request) {
      const { state, code, error } = request.query;
      const cookie = cookieOf(request, COOKIE);
      if (!state) return refused('The link has no state');
      const expires = states.get(state);
      // Single use: a state is gone once presented, whatever follows.
      states.delete(state);
      if (expires === undefined) return refused('The link was already used, or was not made here');
      if (expires <= deps.clock.now()) return refused('The link expired (it is good for 10 minutes)');
      if (!cookie || cookie !== state) return refused('The link was opened in another browser than the one that started the install');
      if (error) {
        return page(error === 'access_denied' ? 200 : 400, 'Signalcast was not installed',
          error === 'access_denied' ? 'The install was cancelled in Slack. Nothing was changed.' : `Slack said: ${error}. Nothing was changed.`, { 'set-cookie': clearCookie });
      }
      if (!code) return refused('The link has no code from Slack');
      try {
        const result = await deps.api().oauth.v2.access({ client_id: deps.clientId, client_secret: deps.clientSecret, code, redirect_uri: redirectUri });
        const team = result.team?.id;
        if (!team || !result.access_token) throw new Error('oauth.v2.access gave no team or bot token');
        await deps.installations.save({
          platform: 'slack', tenant: team, tenantName: result.team?.name ?? null, enterpriseId: result.enterprise?.id ?? null,
          botUserId: result.bot_user_id ?? null, scopes: (result.scope ?? '').split(',').filter(Boolean),
          installerPlatformUserId: result.authed_user?.id ?? null, botToken: new Secret(result.access_token),
        });
        deps.onInstalled?.(team);
        deps.logger.info({ team, teamName: result.team?.name }, `Signalcast was installed in Slack workspace ${result.team?.name ?? team}`);
        const name = result.team?.name ?? 'your workspace';
        return page(200, `Signalcast is installed in ${name}`, `Signalcast is installed in ${name}. In Slack, run /signals subscribe #channel`, { 'set-cookie': clearCookie });
      } catch (err) {
        const word = (err as { data?: { error?: string } }).data?.error;
        deps.logger.error({ slackError: word, err: word ? undefined : (err as Error).message }, 'a Slack install failed');
        return page(502, 'Signalcast was not installed', `Slack did not complete the install${word ? ` (${word})` : ''}. Please try again from ${deps.publicUrl}/slack/install.`, { 'set-cookie': clearCookie });
      }
    },
  };
  return [install, redirect];
}
