// The quick acknowledgement: a handler slower than the platform's deadline gets "Working on it…" first, its answer as a follow-up.
import type { Clock } from '../clock';
import type { Reply } from './types';

/** What the first answer says when the real one takes longer than the platform waits. */
export const ACK_TEXT = 'Working on it…';
/** What the acknowledgement becomes when every reply edits some other message. */
export const ACK_DONE_TEXT = 'Done.';
/** What the acknowledgement becomes when the handler failed after it. */
export const ACK_FAILED_TEXT = 'Sorry, something went wrong. Please try again.';

/** Where one event's replies go: the adapter's way of answering in the event's chat. */
export interface ReplyChannel {
  /** Sends a reply (or edits `reply.editMessageId`); resolves to the message's id when the platform gives one. */
  send(reply: Reply): Promise<string | undefined>;
}

export interface AckOptions {
  /** The platform's deadline for the first answer (capabilities.ackWithinMs); none: replies are sent when ready. */
  ackWithinMs?: number | undefined;
  /** Whether the platform can edit a sent message (capabilities.edits): the acknowledgement then becomes the answer. */
  edits: boolean;
  /** Measures the deadline. */
  clock: Pick<Clock, 'sleep'>;
}

/**
 * Runs `handle` and sends its replies through `channel`. When `ackWithinMs` passes before the
 * handler answers, ACK_TEXT is sent first; then the first reply that edits nothing else replaces the
 * acknowledgement (where the platform edits; elsewhere every reply follows it). A handler that
 * throws after the acknowledgement turns it into ACK_FAILED_TEXT, and the error is rethrown for the
 * adapter to log. Replies are sent in order, one at a time.
 */
export async function respondWithAck(handle: () => Promise<readonly Reply[] | void | null | undefined>, channel: ReplyChannel, options: AckOptions): Promise<void> {
  const work = handle().then((r) => ({ ok: true as const, replies: r ?? [] }), (error: unknown) => ({ ok: false as const, error }));
  if (options.ackWithinMs === undefined) return sendAll(await settle(work), channel);

  const stopTimer = new AbortController();
  const timedOut = options.clock.sleep(options.ackWithinMs, stopTimer.signal).then(() => !stopTimer.signal.aborted);
  const first = await Promise.race([work.then(() => 'answered' as const), timedOut.then((late) => (late ? 'late' as const : 'answered' as const))]);
  stopTimer.abort();
  if (first === 'answered') return sendAll(await settle(work), channel);

  const ackId = await channel.send({ text: ACK_TEXT });
  const outcome = await work;
  const canReplace = options.edits && ackId !== undefined;
  if (!outcome.ok) {
    if (canReplace) await channel.send({ text: ACK_FAILED_TEXT, editMessageId: ackId });
    else await channel.send({ text: ACK_FAILED_TEXT });
    throw outcome.error;
  }
  if (!canReplace) return sendAll(outcome.replies, channel);
  const replacing = outcome.replies.findIndex((r) => r.editMessageId === undefined);
  if (replacing === -1) {
    await sendAll(outcome.replies, channel);
    await channel.send({ text: ACK_DONE_TEXT, editMessageId: ackId });
    return;
  }
  for (const [i, reply] of outcome.replies.entries()) await channel.send(i === replacing ? { ...reply, editMessageId: ackId } : reply);
}

async function settle(work: Promise<{ ok: true; replies: readonly Reply[] } | { ok: false; error: unknown }>): Promise<readonly Reply[]> {
  const outcome = await work;
  if (!outcome.ok) throw outcome.error;
  return outcome.replies;
}

async function sendAll(replies: readonly Reply[], channel: ReplyChannel): Promise<void> {
  for (const reply of replies) await channel.send(reply);
}
