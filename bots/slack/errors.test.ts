// What each of Slack's answers to a post means for the outbox, read from the real @slack/web-api errors the emulator's answers raise.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../core/errors';
import { startSlackWorld, type SlackWorld } from './contract.fixtures';
import { toDeliveryError, unreachableCause } from './errors';

let w: SlackWorld;
beforeEach(async () => {
  w = await startSlackWorld();
});
afterEach(async () => w.stop());

/** The error @slack/web-api throws for a post the emulator answers with `error`. */
async function errorFor(error: string): Promise<unknown> {
  w.emulator.failNext('chat.postMessage', error);
  const token = (await w.workspaces.tokenOf(w.ws.id))!;
  return w.workspaces.sender(token).chat.postMessage({ channel: w.ws.channels.alerts!, text: 'x' }).then(() => undefined, (e: unknown) => e);
}

describe('toDeliveryError (Slack)', () => {
  it.each([
    ['channel_not_found', 'permanent', 'chat_not_found'],
    ['is_archived', 'permanent', 'forbidden'],
    ['not_in_channel', 'permanent', 'forbidden'],
    ['messages_tab_disabled', 'permanent', 'blocked'],
    ['invalid_blocks', 'permanent', 'bad_request'],
    ['msg_too_long', 'permanent', 'bad_request'],
    ['token_revoked', 'permanent', 'unauthorized'],
    ['account_inactive', 'permanent', 'unauthorized'],
    ['invalid_auth', 'permanent', 'unauthorized'],
    ['internal_error', 'temporary', undefined],
  ])('reads %s as %s %s', async (word, kind, reason) => {
    const err = toDeliveryError(await errorFor(word));
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ kind, reason, platformCode: word });
  });

  it("reads the body form of a rate limit (ratelimited on HTTP 200) as the workspace's pause", async () => {
    expect(toDeliveryError(await errorFor('ratelimited'))).toMatchObject({ kind: 'rate_limited', scope: 'tenant', retryAfterMs: 1_000 });
  });

  it('reads an unreachable Slack as temporary, saying why without the URL', async () => {
    const token = (await w.workspaces.tokenOf(w.ws.id))!;
    const client = w.workspaces.sender(token);
    await w.emulator.pause();
    const err = await client.chat.postMessage({ channel: 'C1', text: 'x' }).then(() => undefined, (e: unknown) => e);
    await w.emulator.resume();
    const mapped = toDeliveryError(err);
    expect(mapped).toMatchObject({ kind: 'temporary', platformCode: 'network' });
    expect(mapped.message).not.toContain('127.0.0.1');
    expect(unreachableCause(err)).not.toContain('127.0.0.1');
  });
});
