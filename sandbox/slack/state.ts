// The Slack emulator's world: workspaces with people and channels, the one app under test, its
// installs and tokens, messages per channel (with their edits), ephemeral messages, and every Web API call.
import { systemClock, type Clock } from '../../core/clock';
import { SlackIds } from './ids';

export interface SlackUser {
  id: string;
  name: string;
  isAdmin: boolean;
  isOwner: boolean;
  isBot: boolean;
  /** The bot's "B…" id when this is the app's bot user. */
  botId?: string;
  deleted: boolean;
}

export interface SlackChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  /** A DM between the app's bot and `user`. */
  isIm: boolean;
  /** The person of a DM. */
  user?: string;
  members: Set<string>;
  created: number;
  creator: string;
}

export interface Workspace {
  id: string;
  name: string;
  domain: string;
  enterpriseId?: string;
  users: Map<string, SlackUser>;
  channels: Map<string, SlackChannel>;
  /** The app's bot user here, once installed. */
  bot?: SlackUser;
  installed: boolean;
}

export type TokenKind = 'bot' | 'user' | 'app';

export interface TokenRecord {
  token: string;
  kind: TokenKind;
  teamId?: string;
  userId?: string;
  scopes: string[];
  /** Why the token no longer works: revoked (token_revoked) or the app uninstalled (account_inactive). */
  dead?: 'token_revoked' | 'account_inactive';
}

export interface SlackApp {
  id: string;
  clientId: string;
  clientSecret: string;
  signingSecret: string;
  /** The verification token Slack still puts in payloads (deprecated, unchecked by bolt). */
  verificationToken: string;
  requestUrl?: string;
  socketMode: boolean;
  /** The app-level token (`xapp-…`) for apps.connections.open. */
  appToken: string;
  scopes: string[];
  /** Redirect URLs the app allows (any when empty). */
  redirectUrls: string[];
}

export interface MessageEdit {
  at: number;
  text: string;
  blocks?: unknown[];
}

export interface SlackMessage {
  ts: string;
  channel: string;
  team: string;
  user: string;
  botId?: string;
  text: string;
  blocks?: unknown[];
  threadTs?: string;
  unfurlLinks?: boolean;
  unfurlMedia?: boolean;
  /** Earlier versions, oldest first (chat.update or replace_original). */
  edits: MessageEdit[];
  /** Where it came from: the Web API, or a response_url post with response_type in_channel. */
  via: 'api' | 'response_url' | 'person';
  /** Files shared with it (files.completeUploadExternal). */
  files?: SharedFile[];
}

/** A file uploaded through files.getUploadURLExternal, its bytes at the upload URL, then shared by files.completeUploadExternal. */
export interface SlackFile {
  id: string;
  team: string;
  user: string;
  filename: string;
  /** The length announced to files.getUploadURLExternal. */
  length: number;
  altText?: string;
  /** The bytes posted to the upload URL (absent until then). */
  data?: Buffer;
  /** The content type of the upload, when it said one. */
  mimetype?: string;
  title?: string;
  /** Set once files.completeUploadExternal finished it. */
  completed: boolean;
}

/** What a message shows of a file shared with it. */
export interface SharedFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  size: number;
  altText?: string;
}

export interface EphemeralMessage {
  ts: string;
  team: string;
  channel: string;
  /** The one person who sees it. */
  user: string;
  text: string;
  blocks?: unknown[];
  via: 'api' | 'response_url' | 'ack';
  /** The response_url id that made or replaced it, to click its buttons. */
  responseUrlId?: string;
  edits: MessageEdit[];
  deleted: boolean;
}

export interface ApiCall {
  at: number;
  method: string;
  team?: string;
  tokenKind?: TokenKind;
  params: Record<string, unknown>;
  status: number;
  ok: boolean;
  error?: string;
}

export interface SlackStateOptions {
  clock?: Clock;
}

/** Everything the emulated Slack knows. The Web API methods and the drivers read and change it. */
export class SlackState {
  readonly clock: Clock;
  readonly ids: SlackIds;
  readonly workspaces = new Map<string, Workspace>();
  readonly tokens = new Map<string, TokenRecord>();
  /** Messages per channel id, oldest first (thread replies included, with `threadTs`). */
  readonly messages = new Map<string, SlackMessage[]>();
  /** Uploads by file id. */
  readonly files = new Map<string, SlackFile>();
  readonly ephemerals: EphemeralMessage[] = [];
  /** Every Web API call, in order. */
  readonly calls: ApiCall[] = [];
  app: SlackApp;

  constructor(options: SlackStateOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.ids = new SlackIds(this.clock);
    this.app = this.defaultApp();
  }

  defaultApp(): SlackApp {
    const id = this.ids.next('A');
    return {
      id,
      clientId: `${Math.floor(this.clock.now() / 1000)}.${Math.floor(Math.random() * 1e12)}`,
      clientSecret: this.ids.secret(16),
      signingSecret: this.ids.secret(16),
      verificationToken: this.ids.secret(12),
      socketMode: false,
      appToken: `xapp-1-${id}-${Date.now()}-${this.ids.secret(32)}`,
      scopes: ['commands', 'chat:write', 'chat:write.public', 'channels:read', 'channels:join', 'groups:read', 'im:write', 'users:read', 'files:write'],
      redirectUrls: [],
    };
  }

  workspace(teamId: string): Workspace {
    const ws = this.workspaces.get(teamId);
    if (!ws) throw new Error(`Slack emulator: no workspace ${teamId}`);
    return ws;
  }

  /** The channel (or DM) with this id in the workspace. */
  channel(teamId: string, channelId: string): SlackChannel | undefined {
    return this.workspaces.get(teamId)?.channels.get(channelId);
  }

  /** The DM between the app's bot and `userId`, made on first use. */
  dmWith(ws: Workspace, userId: string): SlackChannel {
    for (const channel of ws.channels.values()) if (channel.isIm && channel.user === userId) return channel;
    const channel: SlackChannel = {
      id: this.ids.next('D'),
      name: userId,
      isPrivate: true,
      isArchived: false,
      isIm: true,
      user: userId,
      members: new Set([userId, ...(ws.bot ? [ws.bot.id] : [])]),
      created: Math.floor(this.clock.now() / 1000),
      creator: userId,
    };
    ws.channels.set(channel.id, channel);
    return channel;
  }

  messagesIn(channelId: string): SlackMessage[] {
    let list = this.messages.get(channelId);
    if (!list) {
      list = [];
      this.messages.set(channelId, list);
    }
    return list;
  }

  findMessage(channelId: string, ts: string): SlackMessage | undefined {
    return this.messages.get(channelId)?.find((m) => m.ts === ts);
  }

  /** Forgets workspaces, tokens, messages and calls; the app keeps its settings. */
  reset(): void {
    this.files.clear();
    this.workspaces.clear();
    this.tokens.clear();
    this.messages.clear();
    this.ephemerals.length = 0;
    this.calls.length = 0;
  }
}
