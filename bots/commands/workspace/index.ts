// /signals: the workspace commands of an app licensed per workspace (Slack), as platform-neutral handlers.
import type { Reply } from '../../../core/inbound/types';
import type { CommandCall } from '../deps';
import { track } from '../track';
import { parseSignalsArgs } from './args';
import { subscribeChannel, unsubscribeChannel } from './channels';
import { channelSettings } from './settings';
import { SIGNALS_HELP, workspaceBilling, workspaceStatus } from './status';
import { workspaceOf } from './workspace';

export { SIGNALS_HELP } from './status';

/**
 * `/signals <sub> <rest>`: everyone may run help, status, track and settings without changes; subscribe,
 * unsubscribe, billing and settings changes need `actor.tenantAdmin`. Answers are private.
 */
export async function signals(call: CommandCall): Promise<Reply[]> {
  const ws = workspaceOf(call);
  if (!ws) return [{ text: '/signals is for apps installed per workspace (Slack). Send /help to see what I can do here.' }];
  const args = parseSignalsArgs(call);
  switch (args.sub) {
    case 'subscribe':
      return subscribeChannel(call, ws, args);
    case 'unsubscribe':
      return unsubscribeChannel(call, ws, args);
    case 'status':
      return workspaceStatus(call, ws);
    case 'billing':
      return workspaceBilling(call, ws);
    case 'settings':
      return channelSettings(call, ws, args);
    case 'track':
    case 'record':
      return track(call);
    case '':
    case 'help':
      return [{ text: SIGNALS_HELP }];
    default:
      return [{ text: `I don't know /signals ${args.sub}. The sub-commands:\n${SIGNALS_HELP}` }];
  }
}
