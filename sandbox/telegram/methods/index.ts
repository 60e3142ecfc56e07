// Every Bot API method the emulator answers, looked up case-insensitively as Telegram does.
import { botMethods } from './bot';
import { chatMethods } from './chats';
import { forwardMethods } from './forward';
import { inviteMethods } from './invites';
import type { MethodHandler, MethodTable } from './method';
import { messageMethods } from './messages';
import { updateMethods } from './updates';

export const telegramMethods: MethodTable = { ...botMethods, ...updateMethods, ...messageMethods, ...forwardMethods, ...chatMethods, ...inviteMethods };

const byLowerName = new Map(Object.entries(telegramMethods).map(([name, handler]) => [name.toLowerCase(), handler]));

export function findMethod(name: string): MethodHandler | undefined {
  return byLowerName.get(name.toLowerCase());
}

/** The methods' names as the Bot API spells them. */
export const telegramMethodNames = Object.keys(telegramMethods);
