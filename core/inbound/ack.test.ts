import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock';
import { until } from '../testing/until';
import { ACK_DONE_TEXT, ACK_FAILED_TEXT, ACK_TEXT, respondWithAck, type ReplyChannel } from './ack';
import type { Reply } from './types';

/** A channel that records what it sent and numbers the messages, as a platform would. */
function recordingChannel(): ReplyChannel & { sent: Reply[] } {
  const sent: Reply[] = [];
  return {
    sent,
    send: async (reply) => {
      sent.push(reply);
      return reply.editMessageId ?? `m${sent.length}`;
    },
  };
}

/** A handler that answers only when the test says so. */
function slowHandler(): { handle: () => Promise<Reply[]>; answer(replies: Reply[]): void; fail(err: Error): void } {
  let answer: (r: Reply[]) => void = () => {};
  let fail: (e: Error) => void = () => {};
  const pending = new Promise<Reply[]>((resolve, reject) => {
    answer = resolve;
    fail = reject;
  });
  return { handle: () => pending, answer: (r) => answer(r), fail: (e) => fail(e) };
}

describe('respondWithAck', () => {
  it('sends a quick answer as it is, with no acknowledgement', async () => {
    const channel = recordingChannel();
    await respondWithAck(async () => [{ text: 'one' }, { text: 'two' }], channel, { ackWithinMs: 3_000, edits: true, clock: new FakeClock() });
    expect(channel.sent).toEqual([{ text: 'one' }, { text: 'two' }]);
  });

  it('answers "Working on it…" when the handler misses the deadline, then turns that message into the answer', async () => {
    const clock = new FakeClock();
    const channel = recordingChannel();
    const handler = slowHandler();
    const done = respondWithAck(handler.handle, channel, { ackWithinMs: 3_000, edits: true, clock });
    await clock.advance(3_000);
    await until(() => channel.sent.length === 1, 'the acknowledgement');
    expect(channel.sent[0]).toEqual({ text: ACK_TEXT });
    handler.answer([{ text: 'Your plans', buttons: [[{ label: 'VIP', data: 'plan:vip' }]] }, { text: 'And one more thing' }]);
    await done;
    expect(channel.sent).toEqual([
      { text: ACK_TEXT },
      { text: 'Your plans', buttons: [[{ label: 'VIP', data: 'plan:vip' }]], editMessageId: 'm1' },
      { text: 'And one more thing' },
    ]);
  });

  it('sends the answer after the acknowledgement as new messages where the platform cannot edit', async () => {
    const clock = new FakeClock();
    const channel = recordingChannel();
    const handler = slowHandler();
    const done = respondWithAck(handler.handle, channel, { ackWithinMs: 100, edits: false, clock });
    await clock.advance(100);
    await until(() => channel.sent.length === 1, 'the acknowledgement');
    handler.answer([{ text: 'The answer' }]);
    await done;
    expect(channel.sent).toEqual([{ text: ACK_TEXT }, { text: 'The answer' }]);
  });

  it('leaves replies that edit another message alone and marks the acknowledgement done', async () => {
    const clock = new FakeClock();
    const channel = recordingChannel();
    const handler = slowHandler();
    const done = respondWithAck(handler.handle, channel, { ackWithinMs: 100, edits: true, clock });
    await clock.advance(100);
    await until(() => channel.sent.length === 1, 'the acknowledgement');
    handler.answer([{ text: 'Plan chosen', editMessageId: '77' }]);
    await done;
    expect(channel.sent).toEqual([{ text: ACK_TEXT }, { text: 'Plan chosen', editMessageId: '77' }, { text: ACK_DONE_TEXT, editMessageId: 'm1' }]);
  });

  it('turns the acknowledgement into an apology when the handler fails after it, and rethrows', async () => {
    const clock = new FakeClock();
    const channel = recordingChannel();
    const handler = slowHandler();
    const done = respondWithAck(handler.handle, channel, { ackWithinMs: 100, edits: true, clock });
    await clock.advance(100);
    await until(() => channel.sent.length === 1, 'the acknowledgement');
    handler.fail(new Error('database is locked'));
    await expect(done).rejects.toThrow('database is locked');
    expect(channel.sent).toEqual([{ text: ACK_TEXT }, { text: ACK_FAILED_TEXT, editMessageId: 'm1' }]);
  });

  it('sends nothing before a slow answer when the platform has no deadline, and rethrows a failure without a word', async () => {
    const clock = new FakeClock();
    const channel = recordingChannel();
    const handler = slowHandler();
    const done = respondWithAck(handler.handle, channel, { edits: true, clock });
    await clock.advance(60_000);
    expect(channel.sent).toEqual([]);
    handler.answer([{ text: 'Late but fine' }]);
    await done;
    expect(channel.sent).toEqual([{ text: 'Late but fine' }]);
    await expect(respondWithAck(async () => Promise.reject(new Error('boom')), channel, { edits: true, clock })).rejects.toThrow('boom');
    expect(channel.sent).toHaveLength(1);
  });

  it('sends nothing for an event with no replies', async () => {
    const channel = recordingChannel();
    await respondWithAck(async () => undefined, channel, { ackWithinMs: 100, edits: true, clock: new FakeClock() });
    expect(channel.sent).toEqual([]);
  });
});
