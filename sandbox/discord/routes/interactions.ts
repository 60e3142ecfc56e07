// Interaction callbacks and follow-ups, answered without Authorization as Discord does: one answer
// within 3 s (else 10062), a second is 40060; then @original edits and follow-ups for 15 minutes.
import type { APIMessage } from 'discord-api-types/v10';
import { DiscordApiError, discordErrors } from '../errors';
import { INTERACTION_ACK_MS, INTERACTION_TOKEN_MS, type InteractionBook, type InteractionRecord } from '../interactions';
import type { DiscordState } from '../state';
import { buildMessage, editMessage, storeMessage } from './messages';
import { bodyObject, type DiscordRoute, type RouteContext } from './route';

const unknownInteraction = () => new DiscordApiError(404, 10062, 'Unknown interaction');
const alreadyAcknowledged = () => new DiscordApiError(400, 40060, 'Interaction has already been acknowledged.');
const unknownWebhook = () => new DiscordApiError(404, 10015, 'Unknown Webhook');
const EPHEMERAL = 64;

/** Callback types: 4 reply, 5 deferred reply, 6 deferred update, 7 update the button's message. */
const CALLBACK_TYPES = new Set([4, 5, 6, 7]);

function reply(state: DiscordState, record: InteractionRecord, body: Record<string, unknown>): APIMessage {
  const message = buildMessage(state, record.channelId, state.bot, body);
  Object.assign(message, { type: 20, webhook_id: state.applicationId, application_id: state.applicationId });
  if ((message.flags ?? 0) & EPHEMERAL) return message;
  storeMessage(state, message);
  return message;
}

function live(ctx: RouteContext, book: InteractionBook): InteractionRecord {
  const record = book.byToken(ctx.params.token ?? '');
  if (!record || ctx.params.app !== ctx.state.applicationId || ctx.state.clock.now() - record.createdAt > INTERACTION_TOKEN_MS) throw unknownWebhook();
  if (record.callbacks.length === 0) throw unknownWebhook();
  return record;
}

/** The message a button was pressed on: in its channel, or an ephemeral answer. */
function buttonMessage(state: DiscordState, book: InteractionBook, record: InteractionRecord): APIMessage | undefined {
  if (!record.messageId) return undefined;
  return state.messages.get(record.channelId)?.find((m) => m.id === record.messageId) ?? book.ephemeral(record.messageId)?.message;
}

/** Notes a message as it stands now in the interaction's history. */
function noted(record: InteractionRecord, message: APIMessage): APIMessage {
  record.history.push(structuredClone(message));
  return message;
}

export function interactionRoutes(book: InteractionBook): DiscordRoute[] {
  return [
    {
      method: 'POST',
      template: '/interactions/:id/:token/callback',
      noAuth: true,
      handler: (ctx) => {
        const record = book.byId.get(ctx.params.id ?? '');
        if (!record || record.token !== ctx.params.token) throw unknownInteraction();
        if (record.callbacks.length > 0) throw alreadyAcknowledged();
        if (ctx.state.clock.now() - record.createdAt > INTERACTION_ACK_MS) throw unknownInteraction();
        const body = bodyObject(ctx.body);
        const type = body.type;
        if (typeof type !== 'number' || !CALLBACK_TYPES.has(type)) throw discordErrors.invalidForm('type: unsupported interaction callback type');
        const data = bodyObject(body.data);
        let message: APIMessage | undefined;
        if (type === 4) message = noted(record, (record.original = reply(ctx.state, record, data)));
        if (type === 5) record.deferredFlags = typeof data.flags === 'number' ? data.flags & EPHEMERAL : 0;
        if (type === 7) {
          const target = buttonMessage(ctx.state, book, record);
          if (!target) throw unknownInteraction();
          message = noted(record, editMessage(ctx.state, target, data));
        }
        record.callbacks.push(type);
        if (ctx.query.get('with_response') !== 'true') return undefined;
        return {
          interaction: { id: record.id, type: record.messageId ? 3 : 2, response_message_id: message?.id, response_message_loading: type === 5, response_message_ephemeral: Boolean((message?.flags ?? record.deferredFlags ?? 0) & EPHEMERAL) },
          resource: { type, ...(message ? { message } : {}) },
        };
      },
    },
    {
      method: 'GET',
      template: '/webhooks/:app/:token/messages/@original',
      noAuth: true,
      handler: (ctx) => {
        const record = live(ctx, book);
        const message = record.original ?? buttonMessage(ctx.state, book, record);
        if (!message) throw discordErrors.unknownMessage();
        return message;
      },
    },
    {
      method: 'PATCH',
      template: '/webhooks/:app/:token/messages/@original',
      noAuth: true,
      handler: (ctx) => {
        const record = live(ctx, book);
        const body = bodyObject(ctx.body);
        const existing = record.original ?? (record.callbacks.includes(5) ? undefined : buttonMessage(ctx.state, book, record));
        if (existing) return noted(record, editMessage(ctx.state, existing, body));
        record.original = reply(ctx.state, record, { ...body, flags: record.deferredFlags ?? 0 });
        return noted(record, record.original);
      },
    },
    {
      method: 'POST',
      template: '/webhooks/:app/:token',
      noAuth: true,
      handler: (ctx) => {
        const record = live(ctx, book);
        const message = reply(ctx.state, record, bodyObject(ctx.body));
        record.followUps.push(message);
        return noted(record, message);
      },
    },
  ];
}
