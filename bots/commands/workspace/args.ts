// The words after `/signals <sub>`: the channel it names (from the platform's chat references) and the rest.
import type { ChatRef } from '../../../core/inbound/types';
import type { CommandCall } from '../deps';

export interface SignalsArgs {
  /** The sub-command, lower case ('' when none was given). */
  sub: string;
  /** The first channel named, as the platform resolved it; undefined when none was. */
  channel: ChatRef | undefined;
  /** A word that looks like a channel ("#alerts") but that the platform did not resolve. */
  unresolved: string | undefined;
  /** The other words, in order. */
  words: string[];
}

export function parseSignalsArgs(call: CommandCall): SignalsArgs {
  const [first = '', ...rest] = call.args.split(/\s+/).filter((w) => w !== '');
  const refs = call.event.type === 'command' ? call.event.chatRefs ?? [] : [];
  const mentions = rest.filter((w) => w.startsWith('#'));
  const channel = refs[0];
  return {
    sub: first.toLowerCase(),
    channel: channel ? { chatId: channel.chatId, label: channel.label ?? mentions[0] } : undefined,
    unresolved: channel ? undefined : mentions[0],
    words: rest.filter((w) => !w.startsWith('#')),
  };
}

/** The answer when a channel is needed and none was named (or it could not be told which). */
export function nameTheChannel(args: SignalsArgs, example: string): string {
  if (args.unresolved) return `I could not tell which channel ${args.unresolved} is: pick it from the list that opens as you type #, for example /signals ${example}.`;
  return `Name the channel, for example /signals ${example}.`;
}
