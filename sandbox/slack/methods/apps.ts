// The app's own methods: auth.test, auth.revoke, oauth.v2.access (a code for a bot token),
// apps.uninstall, apps.connections.open (Socket Mode, app-level token), users.info and users.list.
import { slackErrors } from '../errors';
import { userPayload } from '../payloads';
import { bool, required, str, workspaceOf, type MethodContext, type SlackMethod } from './method';

function checkClient(ctx: MethodContext): void {
  if (required(ctx.params, 'client_id') !== ctx.state.app.clientId) throw slackErrors.invalidClientId();
  if (required(ctx.params, 'client_secret') !== ctx.state.app.clientSecret) throw slackErrors.badClientSecret();
}

const authTest: SlackMethod = {
  tokens: ['bot', 'user'],
  handler(ctx) {
    const ws = workspaceOf(ctx);
    const user = ws.users.get(ctx.auth?.userId ?? '');
    return {
      url: `https://${ws.domain}.slack.com/`,
      team: ws.name,
      user: user?.name ?? '',
      team_id: ws.id,
      user_id: ctx.auth?.userId ?? '',
      ...(ctx.auth?.kind === 'bot' && ws.bot?.botId ? { bot_id: ws.bot.botId } : {}),
      is_enterprise_install: false,
    };
  },
};

const authRevoke: SlackMethod = {
  tokens: ['bot', 'user'],
  handler(ctx) {
    if (bool(ctx.params, 'test')) return { revoked: false };
    if (ctx.auth) ctx.hooks.revoke(ctx.auth);
    return { revoked: true };
  },
};

const oauthAccess: SlackMethod = {
  tokens: 'none',
  handler(ctx) {
    checkClient(ctx);
    return ctx.hooks.redeemCode(required(ctx.params, 'code'), ctx.params.redirect_uri === undefined ? undefined : String(ctx.params.redirect_uri));
  },
};

const uninstall: SlackMethod = {
  tokens: ['bot', 'user'],
  handler(ctx) {
    checkClient(ctx);
    ctx.hooks.uninstall(workspaceOf(ctx).id);
    return {};
  },
};

const connectionsOpen: SlackMethod = {
  tokens: ['app'],
  scope: 'connections:write',
  handler(ctx) {
    return { url: ctx.hooks.socketUrl() };
  },
};

const usersInfo: SlackMethod = {
  scope: 'users:read',
  handler(ctx) {
    const ws = workspaceOf(ctx);
    const user = ws.users.get(required(ctx.params, 'user'));
    if (!user) throw slackErrors.userNotFound();
    return { user: userPayload(ws, user, ctx.state.clock.now()) };
  },
};

/** Slackbot, whom users.list names in every workspace (not a bot user by its flags). */
const SLACKBOT = { id: 'USLACKBOT', name: 'slackbot', isAdmin: false, isOwner: false, isBot: false, deleted: false };

/** users.list: everyone, as Slack lists them: Slackbot, bot users and deactivated people included; cursor paging (limit 1..1000). */
const usersList: SlackMethod = {
  scope: 'users:read',
  handler(ctx) {
    const ws = workspaceOf(ctx);
    const limit = Math.min(Math.max(Number(str(ctx.params, 'limit') ?? 0) || 1000, 1), 1000);
    const all = [SLACKBOT, ...ws.users.values()];
    const cursor = str(ctx.params, 'cursor');
    let start = 0;
    if (cursor) {
      const match = /^user:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
      if (!match?.[1] || Number(match[1]) >= all.length) throw slackErrors.invalidCursor();
      start = Number(match[1]);
    }
    const now = ctx.state.clock.now();
    const next = start + limit < all.length ? Buffer.from(`user:${start + limit}`).toString('base64') : '';
    return { members: all.slice(start, start + limit).map((u) => userPayload(ws, u, now)), cache_ts: Math.floor(now / 1000), response_metadata: { next_cursor: next } };
  },
};

export const appMethods: Record<string, SlackMethod> = {
  'auth.test': authTest,
  'auth.revoke': authRevoke,
  'oauth.v2.access': oauthAccess,
  'apps.uninstall': uninstall,
  'apps.connections.open': connectionsOpen,
  'users.info': usersInfo,
  'users.list': usersList,
};
