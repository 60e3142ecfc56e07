// Channel messages: send (content, embeds, components, files, replies) and edit, in guild channels and DMs.
import type { APIEmbed, APIMessage, APIMessageReference, APIUser, MessageFlags, MessageReferenceType, MessageType } from 'discord-api-types/v10';
import type { UploadedFile } from '../../telegram/multipart';
import { discordErrors } from '../errors';
import type { DiscordState } from '../state';
import { resolveEmbedImages, toAttachments } from '../uploads';
import { bodyObject, type DiscordRoute, type RouteContext } from './route';

function channelOf(state: DiscordState, id: string) {
  const found = state.findChannel(id);
  if (!found) throw discordErrors.unknownChannel();
  return found;
}

/** An embed as Discord stores it: `type: 'rich'`, fields with `inline`. */
function normaliseEmbed(raw: unknown): APIEmbed {
  const embed = { type: 'rich', ...bodyObject(raw) } as APIEmbed & Record<string, unknown>;
  if (Array.isArray(embed.fields)) embed.fields = embed.fields.map((f) => ({ inline: false, ...f }));
  return embed;
}

/** Components as Discord returns them: each numbered (`id`) in order when the sender gave none. */
function numberComponents(components: unknown[]): unknown[] {
  let next = 1;
  const walk = (list: unknown[]): unknown[] =>
    list.map((raw) => {
      const component = { ...bodyObject(raw) };
      if (typeof component.id !== 'number') component.id = next;
      next = Math.max(next, component.id as number) + 1;
      if (Array.isArray(component.components)) component.components = walk(component.components);
      return component;
    });
  return walk(components);
}

function readContent(body: Record<string, unknown>): { content?: string; embeds?: APIEmbed[]; components?: unknown[] } {
  const out: { content?: string; embeds?: APIEmbed[]; components?: unknown[] } = {};
  if (body.content !== undefined && body.content !== null) {
    if (typeof body.content !== 'string') throw discordErrors.invalidForm('content: must be a string');
    if (body.content.length > 2000) throw discordErrors.invalidForm('content: must be 2000 or fewer in length');
    out.content = body.content;
  }
  if (body.embeds !== undefined && body.embeds !== null) {
    if (!Array.isArray(body.embeds) || body.embeds.length > 10) throw discordErrors.invalidForm('embeds: at most 10');
    out.embeds = body.embeds.map(normaliseEmbed);
  }
  if (body.components !== undefined && body.components !== null) {
    if (!Array.isArray(body.components)) throw discordErrors.invalidForm('components: must be an array');
    out.components = numberComponents(body.components);
  }
  return out;
}

/**
 * What a reply points at: the message in the same channel, or nothing when it is gone and the sender
 * said `fail_if_not_exists: false` (Discord then sends it as a plain message); gone otherwise is refused.
 */
function referenceOf(state: DiscordState, channelId: string, raw: unknown): { ref: APIMessageReference; message: APIMessage } | undefined {
  if (raw === undefined || raw === null) return undefined;
  const asked = bodyObject(raw);
  const id = typeof asked.message_id === 'string' ? asked.message_id : undefined;
  const target = id === undefined ? undefined : state.messages.get(channelId)?.find((m) => m.id === id);
  if (!target) {
    if (asked.fail_if_not_exists === false) return undefined;
    throw discordErrors.unknownReference();
  }
  const guild = state.findChannel(channelId)?.guild;
  return { ref: { type: 0 as MessageReferenceType, message_id: target.id, channel_id: channelId, ...(guild ? { guild_id: guild.id } : {}) }, message: target };
}

/** A message as Discord returns it, checked but not stored (interaction replies use it too); `files` are its uploads. */
export function buildMessage(state: DiscordState, channelId: string, author: APIUser, body: Record<string, unknown>, files: readonly UploadedFile[] = []): APIMessage {
  const content = readContent(body);
  const attachments = toAttachments(state, channelId, files, body.attachments);
  if (!content.content && !content.embeds?.length && !content.components?.length && attachments.length === 0) throw discordErrors.emptyMessage();
  const reference = referenceOf(state, channelId, body.message_reference);
  return {
    id: state.ids.next(),
    channel_id: channelId,
    author,
    // 19: a reply.
    type: (reference ? 19 : 0) as MessageType,
    content: content.content ?? '',
    mentions: [],
    mention_roles: [],
    attachments,
    embeds: resolveEmbedImages(content.embeds ?? [], attachments),
    ...(reference ? { message_reference: reference.ref, referenced_message: reference.message } : {}),
    components: (content.components ?? []) as APIMessage['components'],
    timestamp: state.nowIso(),
    edited_timestamp: null,
    flags: (typeof body.flags === 'number' ? body.flags & 64 : 0) as MessageFlags,
    pinned: false,
    mention_everyone: false,
    tts: false,
    ...(typeof body.nonce === 'string' || typeof body.nonce === 'number' ? { nonce: body.nonce } : {}),
  } satisfies APIMessage as APIMessage;
}

/** Applies an edit body (content, embeds, components) to a message. */
export function editMessage(state: DiscordState, message: APIMessage, body: Record<string, unknown>): APIMessage {
  const update = readContent(body);
  if (update.content !== undefined) message.content = update.content;
  if (update.embeds) message.embeds = update.embeds;
  if (update.components) message.components = update.components as APIMessage['components'];
  message.edited_timestamp = state.nowIso();
  // An ephemeral answer lives in no channel: nothing is dispatched about it.
  if (((message.flags ?? 0) & 64) === 0) state.dispatch('MESSAGE_UPDATE', message);
  return message;
}

/** Keeps a message in its channel and announces it. */
export function storeMessage(state: DiscordState, message: APIMessage): void {
  const found = state.findChannel(message.channel_id);
  const list = state.messages.get(message.channel_id) ?? [];
  list.push(message);
  state.messages.set(message.channel_id, list);
  if (found) found.channel.last_message_id = message.id;
  state.dispatch('MESSAGE_CREATE', { ...message, ...(found?.guild ? { guild_id: found.guild.id } : {}) });
}

/** Sends a message as `author` (the bot over REST; a person through the drivers). */
export function createMessage(state: DiscordState, channelId: string, author: APIUser, body: Record<string, unknown>, files: readonly UploadedFile[] = []): APIMessage {
  const { channel, guild } = channelOf(state, channelId);
  if (!guild && author.id === state.bot.id) {
    const recipient = 'recipients' in channel ? channel.recipients?.[0] : undefined;
    if (recipient && state.users.get(recipient.id)?.dmsClosed) throw discordErrors.cannotMessageUser();
  }
  const message = buildMessage(state, channel.id, author, { ...body, flags: 0 }, files);
  storeMessage(state, message);
  return message;
}

function findMessage(ctx: RouteContext): APIMessage {
  const { channel } = channelOf(ctx.state, ctx.params.id ?? '');
  const message = ctx.state.messages.get(channel.id)?.find((m) => m.id === ctx.params.mid);
  if (!message) throw discordErrors.unknownMessage();
  return message;
}

export const messageRoutes: DiscordRoute[] = [
  {
    method: 'POST',
    template: '/channels/:id/messages',
    handler: (ctx) => createMessage(ctx.state, ctx.params.id ?? '', ctx.state.bot, bodyObject(ctx.body), ctx.files),
  },
  { method: 'GET', template: '/channels/:id/messages/:mid', handler: findMessage },
  {
    method: 'PATCH',
    template: '/channels/:id/messages/:mid',
    handler: (ctx) => {
      const message = findMessage(ctx);
      if (message.author.id !== ctx.state.bot.id) throw discordErrors.missingPermissions();
      return editMessage(ctx.state, message, bodyObject(ctx.body));
    },
  },
  {
    method: 'GET',
    template: '/channels/:id',
    handler: (ctx) => channelOf(ctx.state, ctx.params.id ?? '').channel,
  },
];
