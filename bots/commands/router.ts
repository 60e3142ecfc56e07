// One entry point for every platform: an InboundEvent in, the replies out. The error boundary for commands.
import { ValidationError } from '../../core/errors';
import type { InboundEvent, Reply } from '../../core/inbound/types';
import { grant, revoke, stats } from './admin';
import { followBlock } from './blocked';
import { isOperator } from './contact';
import type { CommandCall, CommandDeps, CommandHandler } from './deps';
import { help } from './help';
import { join, JOIN_BUTTON } from './join';
import { link, refer } from './link';
import { publish } from './publish';
import { resume, settings, settingsButton, stop } from './settings';
import { start } from './start';
import { billing, status } from './status';
import { listPlans, subscribe } from './subscribe';
import { track } from './track';
import { signals } from './workspace';

interface Route {
  handler: CommandHandler;
  /** The answer is personal (a payment link, a code, settings): only in a private chat. */
  privateOnly?: boolean;
  /** Only for the platform's operator ids. */
  operator?: boolean;
}

const COMMANDS: Record<string, Route> = {
  start: { handler: start },
  help: { handler: help },
  plans: { handler: listPlans },
  track: { handler: track },
  record: { handler: track },
  subscribe: { handler: subscribe, privateOnly: true },
  status: { handler: status, privateOnly: true },
  billing: { handler: billing, privateOnly: true },
  join: { handler: join, privateOnly: true },
  settings: { handler: settings, privateOnly: true },
  link: { handler: link, privateOnly: true },
  refer: { handler: refer, privateOnly: true },
  stop: { handler: stop, privateOnly: true },
  resume: { handler: resume, privateOnly: true },
  publish: { handler: publish, operator: true },
  stats: { handler: stats, operator: true },
  grant: { handler: grant, operator: true },
  revoke: { handler: revoke, operator: true },
  /** A workspace's channels and licence, where the app is licensed per workspace (Slack): answers are private there. */
  signals: { handler: signals, privateOnly: true },
};

/** Buttons by the prefix of their data ("sub:pro", "set:band:A"). */
const BUTTONS: Record<string, Route> = {
  sub: { handler: subscribe, privateOnly: true },
  set: { handler: settingsButton, privateOnly: true },
  [JOIN_BUTTON]: { handler: join, privateOnly: true },
};

/** The answer to a message that is not a command, in a private chat. */
export const FREE_TEXT_HELP = [
  'I only understand commands. Try:',
  '/plans to see the plans, /subscribe to subscribe, /status for your plan, /settings for what you get.',
  'Send /help for every command.',
].join('\n');

const SORRY = 'Sorry, something went wrong on our side. Nothing was changed; please try again in a minute.';

function route(event: Extract<InboundEvent, { type: 'command' | 'button' }>): { route: Route | undefined; name: string; args: string } {
  if (event.type === 'command') {
    const name = event.command.toLowerCase();
    return { route: COMMANDS[name], name: `/${name}`, args: event.args.trim() };
  }
  const prefix = event.data.split(':')[0] ?? '';
  return { route: BUTTONS[prefix], name: 'that button', args: event.data.slice(prefix.length + 1) };
}

/**
 * Answers a command, a button press or free text in a private chat (a short help), and follows a block of the bot (no reply: nothing reaches a
 * person who blocked it). Join requests and membership changes are the access reconciler's. Never throws: a failure is logged and answered.
 */
export async function handleEvent(event: InboundEvent, deps: CommandDeps): Promise<Reply[]> {
  if (event.type === 'bot_blocked') {
    await followBlock(event, deps);
    return [];
  }
  if (event.type === 'text') return event.isPrivate ? [{ text: FREE_TEXT_HELP }] : [];
  if (event.type !== 'command' && event.type !== 'button') return [];
  const { route: found, name, args } = route(event);
  if (!found) {
    if (event.type === 'button') return [{ text: 'That button is out of date. Send /help to see what I can do.' }];
    // In a group, an unknown command is probably another bot's.
    return event.isPrivate ? [{ text: `I don't know ${name}. Send /help to see what I can do.` }] : [];
  }
  if (found.operator && !isOperator(deps, event.actor)) return [{ text: `Sorry, ${name} is not allowed for you.` }];
  if (found.privateOnly && !event.isPrivate) return [{ text: `Please send ${name} to me in a private chat: the answer is for you only.` }];
  const call: CommandCall = { event, args, deps, now: deps.clock.now() };
  try {
    return await found.handler(call);
  } catch (err) {
    if (err instanceof ValidationError) return [{ text: `Nothing changed. ${err.message}.` }];
    deps.logger.error({ err, platform: event.actor.platform, userId: event.actor.platformUserId, command: name }, 'command failed');
    return [{ text: SORRY }];
  }
}
