// conversations.info, .join, .list (cursor paging) and .open, as the app's bot sees them: a private
// channel it is not in does not exist for it.
import { slackErrors } from '../errors';
import { conversationPayload } from '../payloads';
import type { SlackChannel } from '../state';
import { bool, required, str, workspaceOf, type MethodContext, type SlackMethod } from './method';

function visible(ctx: MethodContext, channel: SlackChannel): boolean {
  if (!channel.isPrivate) return true;
  const me = ctx.auth?.userId;
  return me !== undefined && channel.members.has(me);
}

function find(ctx: MethodContext, id: string): SlackChannel {
  const channel = workspaceOf(ctx).channels.get(id);
  if (!channel || !visible(ctx, channel)) throw slackErrors.channelNotFound();
  return channel;
}

const info: SlackMethod = {
  scope: ['channels:read', 'groups:read', 'im:read'],
  handler(ctx) {
    return { channel: conversationPayload(find(ctx, required(ctx.params, 'channel')), ctx.auth?.userId) };
  },
};

const join: SlackMethod = {
  scope: 'channels:join',
  handler(ctx) {
    const channel = find(ctx, required(ctx.params, 'channel'));
    if (channel.isPrivate || channel.isIm) throw slackErrors.methodNotSupportedForChannelType();
    if (channel.isArchived) throw slackErrors.isArchived();
    const me = ctx.auth?.userId ?? '';
    if (channel.members.has(me)) {
      return { channel: conversationPayload(channel, me), warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } };
    }
    channel.members.add(me);
    return { channel: conversationPayload(channel, me) };
  },
};

const TYPE_NAMES = ['public_channel', 'private_channel', 'im', 'mpim'];

function typeOf(channel: SlackChannel): string {
  if (channel.isIm) return 'im';
  return channel.isPrivate ? 'private_channel' : 'public_channel';
}

const list: SlackMethod = {
  scope: ['channels:read', 'groups:read', 'im:read'],
  handler(ctx) {
    const ws = workspaceOf(ctx);
    const types = (str(ctx.params, 'types') ?? 'public_channel').split(',').map((t) => t.trim());
    for (const t of types) if (!TYPE_NAMES.includes(t)) throw slackErrors.invalidArguments(`invalid type: ${t}`);
    const limit = Math.min(Math.max(Number(str(ctx.params, 'limit') ?? 100) || 100, 1), 1000);
    const excludeArchived = bool(ctx.params, 'exclude_archived') ?? false;
    const all = [...ws.channels.values()].filter((c) => types.includes(typeOf(c)) && visible(ctx, c) && !(excludeArchived && c.isArchived));
    const cursor = str(ctx.params, 'cursor');
    let start = 0;
    if (cursor) {
      const decoded = Buffer.from(cursor, 'base64').toString('utf8');
      const match = /^offset:(\d+)$/.exec(decoded);
      if (!match?.[1]) throw slackErrors.invalidCursor();
      start = Number(match[1]);
    }
    const page = all.slice(start, start + limit);
    const next = start + limit < all.length ? Buffer.from(`offset:${start + limit}`).toString('base64') : '';
    return { channels: page.map((c) => conversationPayload(c, ctx.auth?.userId)), response_metadata: { next_cursor: next } };
  },
};

const open: SlackMethod = {
  scope: ['im:write', 'mpim:write'],
  handler(ctx) {
    const ws = workspaceOf(ctx);
    const users = required(ctx.params, 'users').split(',').map((u) => u.trim()).filter(Boolean);
    if (users.length !== 1) throw slackErrors.invalidArguments('the emulator opens only one-to-one DMs');
    const userId = users[0]!;
    const user = ws.users.get(userId);
    if (!user) throw slackErrors.userNotFound();
    const existed = [...ws.channels.values()].some((c) => c.isIm && c.user === userId);
    const channel = ctx.state.dmWith(ws, userId);
    const full = bool(ctx.params, 'return_im') ?? false;
    const payload = full ? conversationPayload(channel, ctx.auth?.userId) : { id: channel.id };
    return existed ? { no_op: true, already_open: true, channel: payload } : { channel: payload };
  },
};

export const conversationMethods: Record<string, SlackMethod> = {
  'conversations.info': info,
  'conversations.join': join,
  'conversations.list': list,
  'conversations.open': open,
};
