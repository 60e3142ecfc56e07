// Workspaces and the app's place in them: creating a workspace with its people and channels,
// installing the app (directly, or by OAuth: a single-use code that expires, for a bot token),
// uninstalling it and revoking its tokens, as Slack answers for those tokens afterwards.
import { slackErrors } from './errors';
import type { SlackState, SlackUser, TokenRecord, Workspace } from './state';

export interface CreateWorkspaceOptions {
  id?: string;
  name: string;
  domain?: string;
  users?: { id?: string; name: string; isAdmin?: boolean; isOwner?: boolean; isBot?: boolean }[];
  /** Channels; `members` are user names or ids (every person by default for public channels, none for private). */
  channels?: { id?: string; name: string; isPrivate?: boolean; isArchived?: boolean; members?: string[] }[];
}

/** A workspace as a test sees it: ids by name. */
export interface WorkspaceView {
  id: string;
  name: string;
  domain: string;
  users: Record<string, string>;
  channels: Record<string, string>;
}

export interface InstallResult {
  botToken: string;
  botUserId: string;
  botId: string;
  scopes: string[];
}

/** How long an OAuth code lives (Slack: 10 minutes). */
export const OAUTH_CODE_MS = 10 * 60_000;

export function createWorkspace(state: SlackState, options: CreateWorkspaceOptions): WorkspaceView {
  const id = options.id ?? state.ids.next('T');
  if (state.workspaces.has(id)) throw new Error(`Slack emulator: workspace ${id} exists`);
  const domain = options.domain ?? options.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const ws: Workspace = { id, name: options.name, domain, users: new Map(), channels: new Map(), installed: false };
  const view: WorkspaceView = { id, name: ws.name, domain, users: {}, channels: {} };
  for (const u of options.users ?? []) {
    const user: SlackUser = { id: u.id ?? state.ids.next('U'), name: u.name, isAdmin: u.isAdmin ?? u.isOwner ?? false, isOwner: u.isOwner ?? false, isBot: u.isBot ?? false, deleted: false };
    ws.users.set(user.id, user);
    view.users[u.name] = user.id;
  }
  const people = [...ws.users.values()].filter((u) => !u.isBot).map((u) => u.id);
  const creator = people[0] ?? '';
  for (const c of options.channels ?? []) {
    const isPrivate = c.isPrivate ?? false;
    const members = (c.members ?? (isPrivate ? [] : people)).map((m) => view.users[m] ?? m);
    for (const m of members) if (!ws.users.has(m)) throw new Error(`Slack emulator: channel ${c.name} names unknown member ${m}`);
    const channelId = c.id ?? state.ids.next(isPrivate ? 'G' : 'C');
    ws.channels.set(channelId, { id: channelId, name: c.name, isPrivate, isArchived: c.isArchived ?? false, isIm: false, members: new Set(members), created: Math.floor(state.clock.now() / 1000), creator });
    view.channels[c.name] = channelId;
  }
  state.workspaces.set(id, ws);
  return view;
}

/** A person joins an existing workspace; returns their id. */
export function addUser(state: SlackState, teamId: string, user: { id?: string; name: string; isAdmin?: boolean; isOwner?: boolean; isBot?: boolean }): string {
  const ws = state.workspace(teamId);
  const record: SlackUser = { id: user.id ?? state.ids.next('U'), name: user.name, isAdmin: user.isAdmin ?? user.isOwner ?? false, isOwner: user.isOwner ?? false, isBot: user.isBot ?? false, deleted: false };
  ws.users.set(record.id, record);
  return record.id;
}

function liveBotToken(state: SlackState, teamId: string): TokenRecord | undefined {
  for (const t of state.tokens.values()) if (t.kind === 'bot' && t.teamId === teamId && !t.dead) return t;
  return undefined;
}

export interface InstallOptions {
  installerId: string;
  scopes?: string[];
  /** An install made before (the sandbox's database remembers it across restarts): the emulator takes this bot token and bot user id again. */
  restore?: { botToken: string; botUserId: string };
}

/** Installs the app in a workspace as `installerId` would: its bot user, and a bot token with the scopes. Installing again keeps a live token and adds the scopes. */
export function installApp(state: SlackState, teamId: string, options: InstallOptions): InstallResult {
  const ws = state.workspace(teamId);
  if (!ws.users.has(options.installerId)) throw new Error(`Slack emulator: no user ${options.installerId} in ${teamId}`);
  const scopes = options.scopes ?? state.app.scopes;
  if (options.restore && !/^xoxb-[A-Za-z0-9-]+$/.test(options.restore.botToken)) throw new Error('Slack emulator: a restored install needs an xoxb- bot token');
  if (options.restore && ws.bot?.id !== options.restore.botUserId) {
    if (ws.users.has(options.restore.botUserId)) throw new Error(`Slack emulator: ${options.restore.botUserId} is a person in ${teamId}, not the app's bot`);
    delete ws.bot;
  }
  if (!ws.bot || ws.bot.deleted) {
    const bot: SlackUser = { id: options.restore?.botUserId ?? state.ids.next('U'), name: 'signalcast', isAdmin: false, isOwner: false, isBot: true, botId: state.ids.next('B'), deleted: false };
    ws.users.set(bot.id, bot);
    ws.bot = bot;
  }
  const bot = ws.bot;
  ws.installed = true;
  let token = liveBotToken(state, teamId);
  if (options.restore && token?.token !== options.restore.botToken) {
    if (token) token.dead = 'token_revoked';
    token = { token: options.restore.botToken, kind: 'bot', teamId, userId: bot.id, scopes: [...scopes] };
    state.tokens.set(token.token, token);
  } else if (token) {
    token.scopes = [...new Set([...token.scopes, ...scopes])];
  } else {
    const num = () => String(Math.floor(Math.random() * 1e12));
    token = { token: `xoxb-${num()}-${num()}-${state.ids.secret(12)}`, kind: 'bot', teamId, userId: bot.id, scopes: [...scopes] };
    state.tokens.set(token.token, token);
  }
  return { botToken: token.token, botUserId: bot.id, botId: bot.botId ?? '', scopes: token.scopes };
}

/** The app leaves the workspace: its bot user is deleted and every token of the workspace answers account_inactive. */
export function uninstallApp(state: SlackState, teamId: string): void {
  const ws = state.workspace(teamId);
  ws.installed = false;
  if (ws.bot) {
    ws.bot.deleted = true;
    for (const channel of ws.channels.values()) channel.members.delete(ws.bot.id);
  }
  for (const t of state.tokens.values()) if (t.teamId === teamId && !t.dead) t.dead = 'account_inactive';
}

/** The workspace's tokens for the app are revoked (token_revoked); returns the user ids whose tokens went. */
export function revokeTokens(state: SlackState, teamId: string): { bot: string[]; oauth: string[] } {
  const revoked = { bot: [] as string[], oauth: [] as string[] };
  for (const t of state.tokens.values()) {
    if (t.teamId !== teamId || t.dead) continue;
    t.dead = 'token_revoked';
    (t.kind === 'bot' ? revoked.bot : revoked.oauth).push(t.userId ?? '');
  }
  return revoked;
}

interface PendingCode {
  team: string;
  user: string;
  scopes: string[];
  redirectUri: string | undefined;
  expiresAt: number;
  used: boolean;
}

/** OAuth v2 codes given when a person allows the app, redeemed once by oauth.v2.access. */
export class OAuthCodes {
  private readonly codes = new Map<string, PendingCode>();

  constructor(private readonly state: SlackState) {}

  issue(team: string, user: string, scopes: string[], redirectUri: string | undefined): string {
    const code = `${Math.floor(Math.random() * 1e12)}.${Math.floor(Math.random() * 1e12)}.${this.state.ids.secret(16)}`;
    this.codes.set(code, { team, user, scopes, redirectUri, expiresAt: this.state.clock.now() + OAUTH_CODE_MS, used: false });
    return code;
  }

  /** The oauth.v2.access answer for a code: refused when unknown, used already, expired, or for another redirect URI. */
  redeem(code: string, redirectUri: string | undefined): Record<string, unknown> {
    const pending = this.codes.get(code);
    if (!pending || pending.used || this.state.clock.now() > pending.expiresAt) throw slackErrors.invalidCode();
    if (pending.redirectUri !== undefined && redirectUri !== undefined && redirectUri !== pending.redirectUri) throw slackErrors.badRedirectUri();
    pending.used = true;
    const result = installApp(this.state, pending.team, { installerId: pending.user, scopes: pending.scopes });
    const ws = this.state.workspace(pending.team);
    return {
      app_id: this.state.app.id,
      authed_user: { id: pending.user },
      scope: result.scopes.join(','),
      token_type: 'bot',
      access_token: result.botToken,
      bot_user_id: result.botUserId,
      team: { id: ws.id, name: ws.name },
      enterprise: null,
      is_enterprise_install: false,
    };
  }

  clear(): void {
    this.codes.clear();
  }
}
