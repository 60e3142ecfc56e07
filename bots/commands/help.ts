// The command list: /help's answer and the menu platforms register (public commands only).
import type { Capabilities } from '../../core/capabilities';
import type { Reply } from '../../core/inbound/types';
import { isOperator } from './contact';
import type { CommandCall } from './deps';

export interface CommandInfo {
  command: string;
  /** One line, also the platform's menu text. */
  description: string;
  /** How to call it, when it takes arguments. */
  usage?: string;
}

/** What every subscriber can do, in menu order. */
export const PUBLIC_COMMANDS: readonly CommandInfo[] = [
  { command: 'start', description: 'Start, or start again' },
  { command: 'plans', description: 'The plans and what each one gives' },
  { command: 'track', description: 'The track record: results over 30 days and all time, by band (also /record)' },
  { command: 'subscribe', description: 'Subscribe to a plan', usage: '/subscribe [plan]' },
  { command: 'status', description: 'Your plan, its renewal or end date, your access' },
  { command: 'join', description: 'Into your members-only channel again: a new invite link, or your role back' },
  { command: 'billing', description: 'Manage payment details, invoices or cancel' },
  { command: 'settings', description: 'Symbols, minimum band, direct messages, quiet hours' },
  { command: 'link', description: 'Use the same account in another chat app' },
  { command: 'refer', description: 'Your referral code and link' },
  { command: 'stop', description: 'Pause direct messages' },
  { command: 'resume', description: 'Resume direct messages' },
  { command: 'help', description: 'This list' },
];

/** Only for operator ids. */
export const OPERATOR_COMMANDS: readonly CommandInfo[] = [
  { command: 'publish', description: 'Publish a signal', usage: '/publish SYMBOL SIDE CONVICTION reason; another reason' },
  { command: 'stats', description: "Subscribers by plan and status, today's deliveries" },
  { command: 'grant', description: 'Give someone a plan for some days', usage: '/grant USER PLAN DAYS' },
  { command: 'revoke', description: "End someone's granted plan", usage: '/revoke USER' },
];

/** The public commands worth offering here: /link only where a second chat app runs to link with. */
export function publicCommands(capabilities: Pick<Capabilities, 'platforms'>): CommandInfo[] {
  return PUBLIC_COMMANDS.filter((c) => c.command !== 'link' || capabilities.platforms.length > 1);
}

function line(info: CommandInfo): string {
  return `${info.usage ?? `/${info.command}`}: ${info.description}`;
}

export async function help(call: CommandCall): Promise<Reply[]> {
  const lines = ['What I can do:', ...publicCommands(call.deps.capabilities).map(line)];
  if (isOperator(call.deps, call.event.actor)) {
    lines.push('', 'Operator commands (USER is a user id or @username):', ...OPERATOR_COMMANDS.map(line));
  }
  return [{ text: lines.join('\n') }];
}
