// The operators' /publish SYMBOL SIDE CONVICTION reason; another reason: a signal from chat, like the API's.
import { ValidationError } from '../../core/errors';
import { newId } from '../../core/ids';
import type { Reply } from '../../core/inbound/types';
import type { PublishOutcome } from '../../core/signals/ports';
import { recipientKey, type PlatformName } from '../../core/types';
import { chatActor } from './contact';
import type { CommandCall } from './deps';

const USAGE = 'Usage: /publish SYMBOL SIDE CONVICTION reason; another reason (for example: /publish BTCUSDT long 0.82 Breakout above range; funding flipped)';

/** The publisher id of a chat publish: the message itself when known, so a redelivered update publishes once. */
function publisherIdOf(call: CommandCall): string {
  const { event } = call;
  const messageId = event.type === 'command' ? event.messageId : undefined;
  return messageId ? `chat:${recipientKey(event.chat)}:${messageId}` : newId('chat');
}

export async function publish(call: CommandCall): Promise<Reply[]> {
  const { deps, event } = call;
  const m = /^(\S+)\s+(\S+)\s+(\S+)\s*(.*)$/s.exec(call.args);
  if (!m) return [{ text: `Nothing was published. ${USAGE}` }];
  const [, symbol = '', sideText = '', convictionText = '', rest = ''] = m;
  const conviction = Number(convictionText.replace(/%$/, '')) / (convictionText.endsWith('%') ? 100 : 1);
  const reasons = rest.split(/[;\n]/).map((r) => r.trim()).filter(Boolean);
  const input = {
    publisherId: publisherIdOf(call),
    symbol,
    market: deps.publishMarket ?? 'crypto',
    side: sideText.toLowerCase(),
    conviction: convictionText.trim() === '' || Number.isNaN(conviction) ? convictionText : conviction,
    reasons,
  };
  let outcome;
  try {
    outcome = await deps.signals.publish(input, { publishedBy: chatActor(event.actor) });
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const problems = err.issues.map((i) => `${i.field.replace(/\[\d+\]$/, '')}: ${i.message}`);
    return [{ text: `Nothing was published. ${[...new Set(problems)].join('; ')}.\n${USAGE}` }];
  }
  const { signal } = outcome;
  if (outcome.duplicate) return [{ text: `Already published as ${signal.id}; nothing new was sent.` }];
  deps.onPublished?.(outcome);
  const head = `Published ${signal.side} ${signal.symbol} (conviction ${signal.conviction.toFixed(2)}, band ${signal.band}) as ${signal.id}`;
  return [{ text: `${head}: ${plannedText(outcome, (p) => deps.appLabels?.[p] ?? p)}` }];
}

/**
 * The deliveries planned, and for a publish larger than one chunk (planning: in_progress), how many
 * candidates remain to be planned in the background and how long each platform takes to reach them all
 * at its configured rate, as the API's 202 and the CLI say.
 */
function plannedText(outcome: PublishOutcome, labelOf: (platform: PlatformName) => string): string {
  const capped = outcome.skipped ? `, ${outcome.skipped} over a daily cap` : '';
  if (outcome.planning === 'done') return `${outcome.planned} deliveries planned${capped}.`;
  const reach = Object.entries(outcome.estimates).map(([p, e]) => `${labelOf(p)} about ${e.seconds} s for ${e.candidates}`);
  return `${outcome.planned} deliveries planned so far${capped}, of ${outcome.candidates} candidates; the rest are planned in the background.`
    + (reach.length > 0 ? ` Reaching them all at the configured rates: ${reach.join(', ')}.` : '');
}
