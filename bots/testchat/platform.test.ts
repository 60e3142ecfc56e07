import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../core/errors';
import type { Signal } from '../../core/types';
import { startTestchat, type TestchatEmulator } from '../../sandbox/testchat/server';
import { createTestchatPlatform } from './index';

const signal: Signal = {
  id: 'sig_1', publisherId: 'p1', symbol: 'ETHUSDT', market: 'crypto', side: 'short', conviction: 0.7, band: 'B', reasons: ['Weak'],
  createdAt: new Date(0),
};

describe('testchat platform', () => {
  let emulator: TestchatEmulator;
  let url: string;
  let token: string;

  beforeEach(async () => {
    ({ emulator, url, token } = await startTestchat());
  });
  afterEach(async () => emulator.stop());

  const failure = async (p: Promise<unknown>): Promise<DeliveryError> => {
    const err = await p.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    return err as DeliveryError;
  };

  it('posts the rendered text to the chat and returns the message id', async () => {
    const platform = createTestchatPlatform({ url, token });
    const result = await platform.send({ platform: 'testchat', chatId: '42' }, { kind: 'alert', signal });
    expect(result).toEqual({ messageId: '1' });
    const request = emulator.server.requests[0]!;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/messages', headers: expect.objectContaining({ authorization: `Bearer ${token}` }) });
    expect(request.body).toEqual({ chat: '42', text: expect.stringContaining('SHORT ETHUSDT') });
    expect(emulator.messages).toHaveLength(1);
  });

  it('replies to the alert when sending a rationale', async () => {
    const platform = createTestchatPlatform({ url, token });
    await platform.send({ platform: 'testchat', chatId: '42' }, { kind: 'rationale', signal, text: 'Because.', replyToMessageId: '7' });
    expect(emulator.server.requests[0]!.body).toMatchObject({ reply_to: '7' });
    expect(emulator.messages[0]).toMatchObject({ chatId: '42', replyTo: '7' });
  });

  it('sends to a person\'s direct messages and to a chat in a tenant, saying which', async () => {
    const platform = createTestchatPlatform({ url, token });
    await platform.send({ platform: 'testchat', chatId: 'u1', direct: true }, { kind: 'notice', text: 'hello' });
    await platform.send({ platform: 'testchat', chatId: 'c1', tenant: 't1' }, { kind: 'notice', text: 'hi all' });
    expect(emulator.messages).toMatchObject([{ chatId: 'u1', direct: true }, { chatId: 'c1', tenant: 't1' }]);
  });

  it('reports a blocked user as permanent and a 429 as rate limited with its retry_after', async () => {
    const platform = createTestchatPlatform({ url, token });
    emulator.blockChat('5');
    expect(await failure(platform.send({ platform: 'testchat', chatId: '5' }, { kind: 'alert', signal }))).toMatchObject({ kind: 'permanent', reason: 'blocked' });
    emulator.failNext({ kind: 'rate_limit', retryAfterSeconds: 2 });
    expect(await failure(platform.send({ platform: 'testchat', chatId: '6' }, { kind: 'alert', signal }))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 2_000 });
  });

  it('reports server errors and an unreachable platform as temporary, never showing the token', async () => {
    const platform = createTestchatPlatform({ url, token });
    emulator.failNext({ kind: 'server_error', status: 502 });
    expect(await failure(platform.send({ platform: 'testchat', chatId: '1' }, { kind: 'alert', signal }))).toMatchObject({ kind: 'temporary', platformCode: '502' });
    await emulator.stop();
    const err = await failure(platform.send({ platform: 'testchat', chatId: '1' }, { kind: 'alert', signal }));
    expect(err.kind).toBe('temporary');
    expect(err.message).not.toContain(token);
    expect(JSON.stringify({ message: err.message, stack: err.stack })).not.toContain(token);
  });

  it('gives up on a send that takes too long, as temporary', async () => {
    const platform = createTestchatPlatform({ url, token, timeoutMs: 50 });
    emulator.failNext({ kind: 'hang' });
    expect(await failure(platform.send({ platform: 'testchat', chatId: '1' }, { kind: 'alert', signal }))).toMatchObject({ kind: 'temporary', message: 'network error: timed out' });
  });

  it('refuses to start with an unusable URL or token, naming the setting', () => {
    expect(() => createTestchatPlatform({ url: 'not a url', token })).toThrow(/TESTCHAT_URL/);
    expect(() => createTestchatPlatform({ url, token: '' })).toThrow(/TESTCHAT_TOKEN/);
  });
});
