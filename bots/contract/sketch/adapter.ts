// The sketch adapter for "guildchat" (an imaginary app with guilds, roles and threads): sender, role gate, inbound, access spec.
// Everything a platform needs is in this folder; the test adds its one row to the adapter table.
import type { AccessGate, AccessOutcome, AccessResource } from '../../../core/access/ports';
import type { ChatPlatform, SendResult } from '../../../core/delivery/chat-platform';
import { DeliveryError, type RateLimitScope } from '../../../core/errors';
import type { NoticeSink } from '../../../core/access/notices';
import { respondWithAck } from '../../../core/inbound/ack';
import type { EventHandler, InboundEvent, Reply } from '../../../core/inbound/types';
import type { AccessSpec, AdapterContext, PlatformAdapter } from '../../../core/platform/adapter';
import type { OutboundMessage, Recipient } from '../../../core/types';
import { GuildchatError, type GuildchatEmulator, type GuildchatEvent, type GuildchatMessage } from './emulator';
import { digestText, updateText } from '../../../core/content/words';

export const GUILDCHAT = 'guildchat';

const SCOPES: Record<string, RateLimitScope> = { channel: 'chat', guild: 'tenant', route: 'route', app: 'global' };

/** Where a recipient is on guildchat: "dm:<user>" or "<guild>/<channel>". */
function whereOf(to: Recipient): string {
  return to.direct || !to.tenant ? `dm:${to.chatId}` : `${to.tenant}/${to.chatId}`;
}

function toDeliveryError(err: unknown): DeliveryError {
  if (!(err instanceof GuildchatError)) return DeliveryError.temporary(`guildchat: ${String(err)}`);
  switch (err.code) {
    case 'rate_limited':
      return DeliveryError.rateLimited(err.message, err.extra.retryAfterMs ?? 1_000, { scope: SCOPES[err.extra.scope ?? 'channel'] ?? 'chat', platformCode: err.code });
    case 'blocked':
      return DeliveryError.permanent(err.message, 'blocked', { platformCode: err.code });
    case 'no_channel':
      return DeliveryError.permanent(err.message, 'chat_not_found', { platformCode: err.code });
    default:
      return DeliveryError.temporary(err.message, { platformCode: err.code });
  }
}

/** Plain text with the markup of no one: guildchat shows what it is given. */
function render(message: OutboundMessage): { text: string; buttons: GuildchatMessage['buttons']; threadOf?: string | undefined } {
  switch (message.kind) {
    case 'alert': {
      const s = message.signal;
      return { text: [`${s.side.toUpperCase()} ${s.symbol} (${s.band})`, ...s.reasons.map((r) => `- ${r}`), ...(s.persona ? [`by ${s.persona}`] : [])].join('\n'), buttons: [] };
    }
    case 'rationale':
      return { text: [message.text, ...(message.disclaimer ? [message.disclaimer] : [])].join('\n'), buttons: [], threadOf: message.replyToMessageId };
    case 'update':
      return { text: updateText(message.signal, message.update), buttons: [], threadOf: message.replyToMessageId };
    case 'snapshot':
      return { text: [message.title, message.text, ...(message.disclaimer ? [message.disclaimer] : [])].join('\n'), buttons: [] };
    case 'digest':
      return { text: digestText(message.items), buttons: [] };
    case 'notice':
      return { text: message.text, buttons: (message.buttons ?? []).map((b) => ({ label: b.label, url: b.url })) };
  }
}

function sender(emulator: GuildchatEmulator): ChatPlatform {
  return {
    name: GUILDCHAT,
    defaultLimits: {
      overall: { limit: 50, windowMs: 1_000 }, perTenant: { limit: 20, windowMs: 1_000 }, perChat: { limit: 5, windowMs: 5_000 },
      retryAfterScopes: ['chat', 'tenant', 'route', 'global'],
    },
    async send(to, message): Promise<SendResult> {
      const { text, buttons, threadOf } = render(message);
      try {
        return { messageId: emulator.post(whereOf(to), text, buttons, threadOf) };
      } catch (err) {
        throw toDeliveryError(err);
      }
    },
    async edit(_to, messageId, message) {
      try {
        emulator.edit(messageId, render(message).text);
      } catch (err) {
        throw toDeliveryError(err);
      }
    },
  };
}

/** Roles in guilds; a role above the bot's own is refused as missing_permission, as Discord does; a new holder is told. */
function gate(emulator: GuildchatEmulator, notices: NoticeSink): AccessGate {
  const call = (run: () => void, done: AccessOutcome): AccessOutcome => {
    try {
      run();
      return done;
    } catch (err) {
      const code = err instanceof GuildchatError ? err.code : 'unavailable';
      const mapped = { role_too_high: 'missing_permission', no_role: 'resource_not_found', no_member: 'not_member', rate_limited: 'rate_limited' } as const;
      return { result: 'failed', code: mapped[code as keyof typeof mapped] ?? 'platform_error', detail: err instanceof Error ? err.message : String(err) };
    }
  };
  const roleOf = (r: AccessResource) => ({ guild: r.tenant ?? '', role: r.id });
  return {
    platform: GUILDCHAT,
    async grant(holder, resource) {
      const { guild, role } = roleOf(resource);
      if (emulator.holdsRole(guild, holder.platformUserId, role)) return { result: 'granted', detail: 'already holds the role', holds: true };
      const outcome = call(() => emulator.giveRole(guild, holder.platformUserId, role), { result: 'granted', holds: true });
      if (outcome.result === 'granted') await notices(holder, { topic: 'approved', text: 'Welcome: the members-only channels are open to you now.' });
      return outcome;
    },
    async revoke(person, resource) {
      const { guild, role } = roleOf(resource);
      if (!emulator.holdsRole(guild, person.platformUserId, role)) return { result: 'noop', detail: 'does not hold the role', holds: false };
      return call(() => emulator.takeRole(guild, person.platformUserId, role), { result: 'revoked', holds: false });
    },
  };
}

/** `{ guildchat: { guild: "g1", role: "vip" } }` in a plan's access list. */
export const guildchatAccess: AccessSpec = {
  example: '{ guildchat: { guild: "g1", role: "vip" } }',
  parse(settings) {
    const s = settings as { guild?: unknown; role?: unknown } | null;
    if (typeof s?.guild !== 'string' || typeof s.role !== 'string') return { ok: false, error: 'expected { guild: "<guild id>", role: "<role id>" }' };
    return { ok: true, resource: { platform: GUILDCHAT, kind: 'role', tenant: s.guild, id: s.role } };
  },
};

function toEvent(event: GuildchatEvent): InboundEvent | null {
  const dm = event.where.startsWith('dm:');
  const [tenant, channel] = dm ? [undefined, event.user] : event.where.split('/');
  const chat: Recipient = { platform: GUILDCHAT, chatId: channel ?? '', tenant, direct: dm || undefined };
  const actor = { platform: GUILDCHAT, platformUserId: event.user };
  if (event.type === 'button') return { type: 'button', actor, chat, isPrivate: dm, data: event.data, messageId: event.messageId };
  const command = /^\/(\w+)\s*(.*)$/s.exec(event.text);
  if (command) return { type: 'command', actor, chat, isPrivate: dm, command: command[1] ?? '', args: command[2] ?? '', messageId: event.interactionId };
  // Talk in a guild channel is not for the bot.
  return dm ? { type: 'text', actor, chat, isPrivate: true, text: event.text } : null;
}

function replyButtons(reply: Reply): GuildchatMessage['buttons'] {
  return (reply.buttons ?? []).flat().map((b) => ('url' in b ? { label: b.label, url: b.url } : { label: b.label, data: b.data }));
}

/** The sketch adapter on an emulator; its settings are the emulator, the operators and how long the app waits for a first answer. */
export function createGuildchatAdapter(settings: { emulator: GuildchatEmulator; operatorIds?: string[]; ackWithinMs?: number }, ctx: AdapterContext): PlatformAdapter {
  const { emulator } = settings;
  const capabilities: PlatformAdapter['capabilities'] = {
    buttons: true, edits: true, threads: true, ephemeral: true, images: false, directMessages: true, freeText: true,
    maxMessageLength: 2_000, markup: 'plain', access: ['role'], ackWithinMs: settings.ackWithinMs ?? 3_000,
  };
  return {
    name: GUILDCHAT,
    label: 'Guildchat',
    capabilities,
    sender: sender(emulator),
    gate: gate(emulator, ctx.access.notices),
    operatorIds: settings.operatorIds ?? [],
    async start(onEvent: EventHandler) {
      emulator.listen(async (event) => {
        const neutral = toEvent(event);
        if (!neutral) return;
        const channel = {
          send: async (reply: Reply) => {
            if (!reply.editMessageId) return emulator.post(event.where, reply.text, replyButtons(reply));
            emulator.edit(reply.editMessageId, reply.text);
            return reply.editMessageId;
          },
        };
        await respondWithAck(() => onEvent(neutral), channel, { ackWithinMs: capabilities.ackWithinMs, edits: capabilities.edits, clock: ctx.clock });
      });
    },
    async stop() {
      emulator.listen(undefined);
    },
    deepLink: (payload) => `https://guildchat.invalid/bot?start=${encodeURIComponent(payload)}`,
  };
}
