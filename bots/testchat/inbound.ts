// Testchat's webhook events in, neutral InboundEvents out.
import type { Actor, InboundEvent } from '../../core/inbound/types';
import type { Recipient } from '../../core/types';

interface WireUser {
  id: string;
  username?: string;
  name?: string;
}
interface WireChat {
  id: string;
  tenant?: string;
  direct?: boolean;
}

/** One webhook event as testchat sends it (see sandbox/testchat/server.ts for the protocol). */
export interface WireEvent {
  id: string;
  type: string;
  user?: WireUser;
  chat?: WireChat;
  message_id?: string;
  text?: string;
  data?: string;
  tenant?: string;
  role?: string;
}

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function toActor(user: WireUser): Actor {
  return { platform: 'testchat', platformUserId: user.id, username: user.username, displayName: user.name };
}

function toRecipient(chat: WireChat): Recipient {
  return { platform: 'testchat', chatId: chat.id, ...(chat.tenant ? { tenant: chat.tenant } : {}), ...(chat.direct ? { direct: true } : {}) };
}

/** Reads a webhook body; undefined when it is not an event (missing id, type or user). */
export function readWireEvent(body: unknown): WireEvent | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const e = body as WireEvent;
  if (!str(e.id) || !str(e.type) || !e.user || !str(e.user.id)) return undefined;
  if (e.chat !== undefined && (typeof e.chat !== 'object' || !str(e.chat.id))) return undefined;
  return e;
}

/** "/start@testchat_bot ref_1" -> { command: 'start', args: 'ref_1' }. */
export function parseCommand(text: string): { command: string; args: string } | undefined {
  const m = /^\/([A-Za-z0-9_]{1,32})(?:@\S+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
  return m ? { command: m[1]!.toLowerCase(), args: (m[2] ?? '').trim() } : undefined;
}

/** The neutral event a webhook event means, or undefined for events Signalcast does not act on. */
export function toInboundEvent(e: WireEvent): InboundEvent | undefined {
  const actor = toActor(e.user!);
  const chat = e.chat;
  switch (e.type) {
    case 'message': {
      if (!chat || typeof e.text !== 'string') return undefined;
      const isPrivate = chat.direct === true;
      const parsed = e.text.startsWith('/') ? parseCommand(e.text) : undefined;
      if (parsed) return { type: 'command', actor, chat: toRecipient(chat), isPrivate, ...parsed, messageId: e.message_id };
      // Free text: only a private chat gets an answer (in a group it is people talking to each other).
      return isPrivate ? { type: 'text', actor, chat: toRecipient(chat), isPrivate, text: e.text } : undefined;
    }
    case 'button':
      if (!chat || !str(e.data) || !str(e.message_id)) return undefined;
      return { type: 'button', actor, chat: toRecipient(chat), isPrivate: chat.direct === true, data: e.data, messageId: e.message_id };
    case 'member_joined':
    case 'member_left':
    case 'member_removed': {
      if (!chat) return undefined;
      const state = e.type === 'member_joined' ? 'member' : e.type === 'member_left' ? 'left' : 'removed';
      return { type: 'membership', actor, resource: { platform: 'testchat', kind: 'chat', id: chat.id }, state };
    }
    case 'role_added':
    case 'role_removed':
      if (!str(e.tenant) || !str(e.role)) return undefined;
      return { type: 'membership', actor, resource: { platform: 'testchat', kind: 'role', tenant: e.tenant, id: e.role }, state: e.type === 'role_added' ? 'member' : 'removed' };
    case 'bot_blocked':
    case 'bot_unblocked':
      return { type: 'bot_blocked', actor, chat: { platform: 'testchat', chatId: actor.platformUserId, direct: true }, blocked: e.type === 'bot_blocked' };
    default:
      return undefined;
  }
}
