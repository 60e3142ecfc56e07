// What the test platform tells a bot's webhook: the events people cause, signed with the bot token.
import { signWebhookBody, SIGNATURE_HEADER } from '../../bots/testchat/signature';

/** A person on testchat. */
export interface WireUser {
  id: string;
  username?: string | undefined;
  name?: string | undefined;
}

/** A chat on testchat: in a tenant or not, or a person's direct messages with the bot (then `id` is the person's). */
export interface WireChat {
  id: string;
  tenant?: string | undefined;
  direct?: boolean | undefined;
}

/** One event, as POSTed to the webhook (with an `id` added). */
export type WireEvent =
  | { type: 'message'; user: WireUser; chat: WireChat; message_id: string; text: string }
  | { type: 'button'; user: WireUser; chat: WireChat; message_id: string; data: string }
  | { type: 'member_joined' | 'member_left' | 'member_removed'; user: WireUser; chat: WireChat }
  | { type: 'role_added' | 'role_removed'; user: WireUser; tenant: string; role: string }
  | { type: 'bot_blocked' | 'bot_unblocked'; user: WireUser };

/** One call to the webhook and how it was answered (0: no answer). */
export interface WebhookCall {
  event: WireEvent & { id: string };
  status: number;
}

/** POSTs the event to `url` signed with `token`; resolves to the status (0 when nothing answered). */
export async function postEvent(url: string, token: string, event: WireEvent & { id: string }): Promise<number> {
  const body = JSON.stringify(event);
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhookBody(token, body) }, body });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}
