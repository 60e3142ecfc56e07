// The Slack sender against the emulator: threads, DMs to a person, each refusal's meaning, and a dead workspace token that makes no retry storm.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../core/errors';
import type { Recipient, Signal } from '../../core/types';
import { startSlackWorld, type SlackWorld } from './contract.fixtures';
import { SlackPlatform } from './platform';

const signal: Signal = {
  id: 's1', publisherId: 'p1', symbol: 'BTCUSDT', market: 'crypto', side: 'long', conviction: 0.83, band: 'A', reasons: ['Breakout'],
  entry: 42000, createdAt: new Date(Date.UTC(2026, 0, 5)),
};

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
}

describe('SlackPlatform', () => {
  let w: SlackWorld;
  let platform: SlackPlatform;
  let alerts: Recipient;
  beforeEach(async () => {
    w = await startSlackWorld();
    platform = new SlackPlatform(w.workspaces);
    alerts = { platform: 'slack', tenant: w.ws.id, chatId: w.ws.channels.alerts! };
  });
  afterEach(async () => w.stop());

  it('posts Block Kit with a fallback text and no unfurling; the message id is its ts', async () => {
    const { messageId } = await platform.send(alerts, { kind: 'alert', signal });
    const [message] = w.emulator.messagesIn(alerts.chatId);
    expect(message).toMatchObject({ ts: messageId, text: 'LONG BTCUSDT at 42000 (band A): Breakout', unfurlLinks: false, unfurlMedia: false });
    expect((message!.blocks as { type: string }[]).map((b) => b.type)).toEqual(['header', 'section', 'context']);
  });

  it("puts the rationale in the alert's thread", async () => {
    const { messageId } = await platform.send(alerts, { kind: 'alert', signal });
    await platform.send(alerts, { kind: 'rationale', signal, text: 'Volume confirms the move', replyToMessageId: messageId });
    expect(w.emulator.threadOf(alerts.chatId, messageId).map((m) => m.text)).toEqual(['Volume confirms the move']);
    expect(w.textsIn(alerts.chatId)).toHaveLength(1);
  });

  it('sends a notice to a person: the channel is their user id (their DM with the app), links as buttons', async () => {
    const dana = w.ws.users.dana!;
    await platform.send({ platform: 'slack', tenant: w.ws.id, chatId: dana, direct: true }, { kind: 'notice', text: 'Your licence lapsed', buttons: [{ label: 'Renew', url: 'https://pay.example/renew' }] });
    const [message] = w.emulator.messagesIn(w.emulator.dmChannel(w.ws.id, dana));
    expect(message!.text).toBe('Your licence lapsed');
    expect(JSON.stringify(message!.blocks)).toContain('https://pay.example/renew');
  });

  it('disables only the destination for a missing, archived or not-joined channel', async () => {
    w.emulator.state.workspace(w.ws.id).channels.get(w.ws.channels.lobby!)!.members.clear();
    expect(await failure(platform.send({ ...alerts, chatId: w.ws.channels.lobby! }, { kind: 'alert', signal }))).toMatchObject({ kind: 'permanent', reason: 'forbidden', platformCode: 'not_in_channel' });
    expect(await failure(platform.send({ ...alerts, chatId: w.ws.channels.old! }, { kind: 'alert', signal }))).toMatchObject({ kind: 'permanent', reason: 'forbidden', platformCode: 'is_archived' });
    expect(await failure(platform.send({ ...alerts, chatId: 'C0NONE' }, { kind: 'alert', signal }))).toMatchObject({ kind: 'permanent', reason: 'chat_not_found', platformCode: 'channel_not_found' });
    // The workspace still takes messages.
    await platform.send(alerts, { kind: 'alert', signal });
  });

  it('reads refused blocks and too long a message as bad_request', async () => {
    w.emulator.failNext('chat.postMessage', 'invalid_blocks');
    expect(await failure(platform.send(alerts, { kind: 'alert', signal }))).toMatchObject({ kind: 'permanent', reason: 'bad_request' });
    w.emulator.failNext('chat.postMessage', 'msg_too_long');
    expect(await failure(platform.send(alerts, { kind: 'alert', signal }))).toMatchObject({ kind: 'permanent', reason: 'bad_request' });
  });

  it('makes one request for a 429 and none more: the Web API client neither waits nor retries', async () => {
    w.emulator.server.failNext({ kind: 'rate_limit', retryAfterSeconds: 7 }, { match: (r) => r.path === '/api/chat.postMessage' });
    const before = w.emulator.server.requests.length;
    expect(await failure(platform.send(alerts, { kind: 'alert', signal }))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7_000, scope: 'tenant' });
    expect(w.emulator.server.requests.length - before).toBe(1);
  });

  it('counts the Web API calls each kind makes, as the emulator receives them: an update two (thread, status), a chart three (URL, upload, complete)', async () => {
    const calls = () => w.emulator.state.calls.length;
    const before = calls();
    const { messageId } = await platform.send(alerts, { kind: 'alert', signal });
    expect([platform.requestsFor(alerts, 'alert'), calls() - before]).toEqual([1, 1]);
    const update = { id: 'u1', signalId: 's1', kind: 'stopped' as const, price: 41000, createdAt: new Date(Date.UTC(2026, 0, 6)) };
    const beforeUpdate = calls();
    await platform.send(alerts, { kind: 'update', signal, update, updates: [update], replyToMessageId: messageId });
    expect([platform.requestsFor(alerts, 'update'), calls() - beforeUpdate]).toEqual([2, 2]);
    const png = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'));
    const beforeSnapshot = calls();
    await platform.send(alerts, { kind: 'snapshot', title: 'Daily', text: 'Quiet day', chart: { png, width: 1, height: 1, alt: 'chart' } });
    // Two Web API methods, and between them the bytes posted to the upload URL (not a method call).
    expect(platform.requestsFor(alerts, 'snapshot')).toBe(3);
    expect(w.emulator.state.calls.slice(beforeSnapshot).map((c) => c.method)).toEqual(['files.getUploadURLExternal', 'files.completeUploadExternal']);
  });

  it('routes each send by method and workspace', () => {
    expect(platform.routeOf(alerts)).toEqual({ route: 'chat.postMessage', bucket: `chat.postMessage:${w.ws.id}` });
  });

  it('marks an OAuth workspace revoked at its first refused token, and answers every later send from memory until a reinstall', async () => {
    const { ws: other } = await w.oauthWorkspace('Beta Fund');
    const to: Recipient = { platform: 'slack', tenant: other.id, chatId: other.channels.alerts! };
    await platform.send(to, { kind: 'alert', signal });
    await w.emulator.revokeTokens(other.id);
    const posts = () => w.emulator.callsTo('chat.postMessage').filter((c) => c.team === other.id).length;
    const before = posts();
    const refusals: DeliveryError[] = [];
    for (let i = 0; i < 6; i++) refusals.push(await failure(platform.send(to, { kind: 'alert', signal })));
    for (const err of refusals) expect(err).toMatchObject({ kind: 'permanent', reason: 'unauthorized' });
    expect(posts() - before).toBe(1);
    expect(await w.installations.get('slack', other.id)).toMatchObject({ revokedReason: 'token_revoked' });
    // The single-token workspace is untouched.
    await platform.send(alerts, { kind: 'alert', signal });
  });
});
