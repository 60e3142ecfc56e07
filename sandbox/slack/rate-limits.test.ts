// Slack's rate limits and faults in the emulator, seen through the real WebClient: tiers per method
// and workspace, chat.postMessage per channel and per workspace, 429 with Retry-After, injected 429s,
// posts made during a penalty, failNext, hang, and refused connections.
import { ErrorCode, WebClient, type WebAPIPlatformError, type WebAPIRateLimitedError } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { startTestWorld, type TestWorld } from './test-world';
import type { SlackEmulatorOptions } from './emulator';

let world: TestWorld | undefined;

afterEach(async () => {
  await world?.emulator.stop();
  world = undefined;
});

async function start(options: SlackEmulatorOptions = {}): Promise<{ w: TestWorld; client: WebClient; clock: FakeClock }> {
  const clock = new FakeClock();
  const w = await startTestWorld({ clock, ...options });
  world = w;
  const client = new WebClient(w.install.botToken, { slackApiUrl: w.emulator.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
  await client.conversations.join({ channel: w.ws.channels.general! });
  await client.conversations.join({ channel: w.ws.channels.alerts! });
  return { w, client, clock };
}

async function rejection(call: Promise<unknown>): Promise<WebAPIRateLimitedError | WebAPIPlatformError> {
  return (await call.then(() => undefined, (e: unknown) => e)) as WebAPIRateLimitedError | WebAPIPlatformError;
}

describe('Slack emulator rate limits', () => {
  it('gives a method its tier per workspace: 429 with Retry-After and ratelimited, then room again after the window', async () => {
    const { w, client, clock } = await start({ limits: { tiers: { 4: { limit: 2, windowMs: 60_000 } } } });
    const sam = w.ws.users.sam!;
    await client.users.info({ user: sam });
    await client.users.info({ user: sam });
    const err = (await rejection(client.users.info({ user: sam }))) as WebAPIRateLimitedError;
    expect(err.code).toBe(ErrorCode.RateLimitedError);
    expect(err.retryAfter).toBe(60);
    const raw = await fetch(`${w.emulator.apiUrl}users.info?user=${sam}`, { headers: { authorization: `Bearer ${w.install.botToken}` } });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('60');
    expect(await raw.json()).toEqual({ ok: false, error: 'ratelimited' });
    expect(w.emulator.callsTo('users.info').map((c) => c.status)).toEqual([200, 200, 429, 429]);
    await clock.advance(60_000);
    expect((await client.users.info({ user: sam })).ok).toBe(true);
    expect(w.emulator.rateStats().limited.tier).toBe(2);
  });

  it('keeps chat.postMessage to about one a second per channel (5 in 5 s, so a short burst passes), each channel apart', async () => {
    const { w, client, clock } = await start();
    const general = w.ws.channels.general!;
    for (let i = 0; i < 5; i++) await client.chat.postMessage({ channel: general, text: `burst ${i}` });
    const err = (await rejection(client.chat.postMessage({ channel: general, text: 'one too many' }))) as WebAPIRateLimitedError;
    expect(err.retryAfter).toBe(5);
    expect((await client.chat.postMessage({ channel: w.ws.channels.alerts!, text: 'other channel' })).ok).toBe(true);
    await clock.advance(1_000);
    expect(((await rejection(client.chat.postMessage({ channel: general, text: 'still too soon' }))) as WebAPIRateLimitedError).retryAfter).toBe(4);
    await clock.advance(4_000);
    expect((await client.chat.postMessage({ channel: general, text: 'after the window' })).ok).toBe(true);
    expect(w.emulator.messagesIn(general)).toHaveLength(6);
    expect(w.emulator.rateStats()).toMatchObject({ limited: { channel: 2 }, refusedPosts: 2, postsInPenalty: 1 });
  });

  it('caps chat.postMessage per workspace across channels', async () => {
    const { w, client } = await start({ limits: { postPerWorkspace: { limit: 3, windowMs: 60_000 } } });
    await client.chat.postMessage({ channel: w.ws.channels.general!, text: '1' });
    await client.chat.postMessage({ channel: w.ws.channels.alerts!, text: '2' });
    await client.chat.postMessage({ channel: w.ws.users.sam!, text: '3' });
    const err = (await rejection(client.chat.postMessage({ channel: w.ws.users.dana!, text: '4' }))) as WebAPIRateLimitedError;
    expect(err.retryAfter).toBe(60);
    expect(w.emulator.rateStats().limited.workspace).toBe(1);
  });

  it('counts posts that arrive while their channel is in penalty (a client ignoring Retry-After)', async () => {
    const { w, client, clock } = await start({ limits: { postPerChannel: { limit: 1, windowMs: 1_000 } } });
    const general = w.ws.channels.general!;
    await client.chat.postMessage({ channel: general, text: 'ok' });
    await rejection(client.chat.postMessage({ channel: general, text: 'refused' }));
    expect(w.emulator.rateStats().postsInPenalty).toBe(0);
    await rejection(client.chat.postMessage({ channel: general, text: 'ignored Retry-After' }));
    expect(w.emulator.rateStats().postsInPenalty).toBe(1);
    await clock.advance(1_000);
    await client.chat.postMessage({ channel: general, text: 'waited' });
    expect(w.emulator.rateStats()).toMatchObject({ postsInPenalty: 1, refusedPosts: 2 });
  });

  it('answers an injected share of posts 429 with Retry-After 1', async () => {
    const { w, client } = await start({ limits: { postPerChannel: { limit: 100, windowMs: 1_000 } } });
    w.emulator.inject429(0.25);
    const outcomes: string[] = [];
    for (let i = 0; i < 8; i++) {
      const err = await rejection(client.chat.postMessage({ channel: w.ws.channels.general!, text: `p${i}` }));
      outcomes.push(err ? `429/${(err as WebAPIRateLimitedError).retryAfter}` : 'ok');
    }
    expect(outcomes.filter((o) => o === '429/1')).toHaveLength(2);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(6);
    expect(w.emulator.rateStats().limited.injected).toBe(2);
    expect(() => w.emulator.inject429(1.5)).toThrow(/between 0 and 1/);
  });
});

describe('Slack emulator faults', () => {
  it('failNext answers the next call of a method with the error given, once', async () => {
    const { w, client } = await start();
    w.emulator.failNext('chat.postMessage', 'token_revoked');
    const err = (await rejection(client.chat.postMessage({ channel: w.ws.channels.general!, text: 'x' }))) as WebAPIPlatformError;
    expect(err.data.error).toBe('token_revoked');
    expect((await client.chat.postMessage({ channel: w.ws.channels.general!, text: 'y' })).ok).toBe(true);
  });

  it('hang leaves a call unanswered until the faults are cleared', async () => {
    const { w, client } = await start();
    w.emulator.hang('chat.postMessage');
    const hung = client.chat.postMessage({ channel: w.ws.channels.general!, text: 'x' }).then(() => 'answered', () => 'dropped');
    await new Promise((r) => setTimeout(r, 50));
    expect((await client.auth.test()).ok).toBe(true);
    w.emulator.clearFaults();
    expect(await hung).toBe('dropped');
    expect(w.emulator.messagesIn(w.ws.channels.general!)).toEqual([]);
  });

  it('refuses connections while paused and answers again on the same port', async () => {
    const { w, client } = await start();
    const url = w.emulator.url;
    await w.emulator.pause();
    await expect(fetch(`${url}/api/auth.test`)).rejects.toThrow();
    await w.emulator.resume();
    expect(w.emulator.url).toBe(url);
    expect((await client.auth.test()).ok).toBe(true);
  });
});
