// What a person does and sees in a service world's Telegram: writing to the bot, and the text of a message.
import type { Message } from 'grammy/types';
import { until } from '../../core/testing/until';
import type { ServiceWorld } from './service-world';

/** A message's text, or its caption for a photo. */
export const textOf = (m: Message) => ('text' in m ? m.text : m.caption) ?? '';

/** The person writes to the bot; resolves with its first answer. */
export async function says(w: ServiceWorld, user: number, text: string, username?: string): Promise<string> {
  const before = w.tg.sentMessages(user).length;
  w.tg.userSends(user, text, { profile: { firstName: username ?? 'Someone', ...(username ? { username } : {}) } });
  const [answer] = await until(() => w.tg.sentMessages(user).length > before && w.tg.sentMessages(user).slice(before), `an answer to ${text}`);
  return textOf(answer!);
}

/** Lets the dispatcher send everything due now. */
export async function settled(w: ServiceWorld): Promise<void> {
  w.service.dispatcher.poke();
  await w.service.dispatcher.idle();
}
