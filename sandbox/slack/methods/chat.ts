// chat.postMessage, chat.update and chat.postEphemeral: where the bot may post, Block Kit and
// length checks, threads, and a user id as the channel (the DM between that person and the app).
import { checkBlocks, MAX_TEXT } from '../blocks';
import { slackErrors } from '../errors';
import { messagePayload } from '../payloads';
import type { SlackChannel, SlackState, Workspace } from '../state';
import { bool, json, required, str, workspaceOf, type MethodContext, type SlackMethod } from './method';

/** The channel a post goes to: an id, a name ("#alerts" or "alerts"), or a user id (their DM with the app). */
export function resolveChannel(state: SlackState, ws: Workspace, ref: string): SlackChannel {
  if (/^[UW][A-Z0-9]+$/.test(ref)) {
    const user = ws.users.get(ref);
    if (!user || user.deleted) throw slackErrors.channelNotFound();
    return state.dmWith(ws, ref);
  }
  const byId = ws.channels.get(ref);
  if (byId) return byId;
  const name = ref.replace(/^#/, '');
  for (const channel of ws.channels.values()) if (!channel.isIm && channel.name === name) return channel;
  throw slackErrors.channelNotFound();
}

/** Refuses a post where the bot may not write: a private channel it is not in, an archived one, a public one it has not joined (without chat:write.public). */
export function checkCanPost(ctx: MethodContext, channel: SlackChannel): void {
  const botId = ctx.auth?.userId;
  const member = botId !== undefined && channel.members.has(botId);
  if (channel.isPrivate && !channel.isIm && !member) throw slackErrors.channelNotFound();
  if (channel.isArchived) throw slackErrors.isArchived();
  if (!channel.isIm && !member && !ctx.auth?.scopes.includes('chat:write.public')) throw slackErrors.notInChannel();
}

/** The text and blocks of a post, checked as Slack checks them. */
export function content(ctx: MethodContext): { text: string; blocks?: unknown[] } {
  const text = str(ctx.params, 'text') ?? '';
  const blocks = json(ctx.params, 'blocks');
  if (text.length > MAX_TEXT) throw slackErrors.msgTooLong();
  if (blocks !== undefined) {
    const problems = checkBlocks(blocks);
    if (problems.length > 0) throw slackErrors.invalidBlocks(problems);
  }
  const list = Array.isArray(blocks) && blocks.length > 0 ? (blocks as unknown[]) : undefined;
  if (!text && !list && !str(ctx.params, 'attachments')) throw slackErrors.noText();
  return list ? { text, blocks: list } : { text };
}

const postMessage: SlackMethod = {
  scope: 'chat:write',
  handler(ctx) {
    const ws = workspaceOf(ctx);
    const channel = resolveChannel(ctx.state, ws, required(ctx.params, 'channel'));
    checkCanPost(ctx, channel);
    const body = content(ctx);
    const threadTs = str(ctx.params, 'thread_ts');
    const message = {
      ts: ctx.state.ids.ts(),
      channel: channel.id,
      team: ws.id,
      user: ctx.auth?.userId ?? '',
      ...(ctx.auth?.kind === 'bot' && ws.bot?.botId ? { botId: ws.bot.botId } : {}),
      ...body,
      ...(threadTs ? { threadTs } : {}),
      ...(bool(ctx.params, 'unfurl_links') !== undefined ? { unfurlLinks: bool(ctx.params, 'unfurl_links') } : {}),
      ...(bool(ctx.params, 'unfurl_media') !== undefined ? { unfurlMedia: bool(ctx.params, 'unfurl_media') } : {}),
      edits: [],
      via: 'api' as const,
    };
    ctx.state.messagesIn(channel.id).push(message);
    return { channel: channel.id, ts: message.ts, message: messagePayload(ctx.state, ws, message) };
  },
};

const update: SlackMethod = {
  scope: 'chat:write',
  handler(ctx) {
    const ws = workspaceOf(ctx);
    const channel = resolveChannel(ctx.state, ws, required(ctx.params, 'channel'));
    const message = ctx.state.findMessage(channel.id, required(ctx.params, 'ts'));
    if (!message) throw slackErrors.messageNotFound();
    if (message.user !== ctx.auth?.userId) throw slackErrors.cantUpdateMessage();
    if (channel.isArchived) throw slackErrors.isArchived();
    const body = content(ctx);
    message.edits.push({ at: ctx.state.clock.now(), text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) });
    message.text = body.text;
    if (body.blocks) message.blocks = body.blocks;
    else delete message.blocks;
    return { channel: channel.id, ts: message.ts, text: message.text, message: { text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) } };
  },
};

const postEphemeral: SlackMethod = {
  scope: 'chat:write',
  handler(ctx) {
    const ws = workspaceOf(ctx);
    const channel = resolveChannel(ctx.state, ws, required(ctx.params, 'channel'));
    const userId = required(ctx.params, 'user');
    checkCanPost(ctx, channel);
    if (!ws.users.has(userId)) throw slackErrors.userNotFound();
    if (!channel.members.has(userId)) throw slackErrors.userNotInChannel();
    const body = content(ctx);
    const ts = ctx.state.ids.ts();
    ctx.state.ephemerals.push({ ts, team: ws.id, channel: channel.id, user: userId, ...body, via: 'api', edits: [], deleted: false });
    return { message_ts: ts };
  },
};

export const chatMethods: Record<string, SlackMethod> = {
  'chat.postMessage': postMessage,
  'chat.update': update,
  'chat.postEphemeral': postEphemeral,
};
