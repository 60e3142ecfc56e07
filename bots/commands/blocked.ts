// A person blocked the bot (or unblocked it): their direct destination stops (or starts) taking deliveries at once, not at the next failed send.
import type { PermanentReason } from '../../core/errors';
import type { InboundEvent } from '../../core/inbound/types';
import { chatActor } from './contact';
import type { CommandDeps } from './deps';

/** The reason a destination is disabled with when its person blocks the bot: the one a send refused for a block gives. */
const BLOCKED_REASON: PermanentReason = 'blocked';

/**
 * Blocked: the direct destination of that chat is disabled (its pending deliveries wait, and are
 * not sent), with an audit event. Unblocked: a destination disabled for the block takes deliveries
 * again; one disabled for another reason stays as it is. A chat with no destination is ignored.
 */
export async function followBlock(event: Extract<InboundEvent, { type: 'bot_blocked' }>, deps: CommandDeps): Promise<void> {
  const destination = await deps.accounts.findDestinationByRecipient(event.chat);
  if (!destination || destination.kind !== 'direct') return;
  const actor = chatActor(event.actor);
  if (event.blocked && destination.enabled) {
    await deps.accounts.disableDestination(destination.id, BLOCKED_REASON);
    deps.audit.record({ actor, action: 'destination.disabled', subjectType: 'destination', subjectId: destination.id, reason: 'the user blocked the bot' });
  } else if (!event.blocked && !destination.enabled && destination.disabledReason === BLOCKED_REASON) {
    await deps.accounts.enableDestination(destination.id);
    deps.audit.record({ actor, action: 'destination.enabled', subjectType: 'destination', subjectId: destination.id, reason: 'the user unblocked the bot' });
  }
}
