import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { startTelegramEmulator, type TelegramEmulator } from './emulator';
import { ok, rawClient, until, type RawCall } from './test-client';

/** A loopback webhook receiver that answers with the statuses given, then 200. */
async function webhookReceiver(statuses: number[] = []): Promise<{ url: string; received: { headers: Record<string, unknown>; update: Update }[]; close(): Promise<void> }> {
  const received: { headers: Record<string, unknown>; update: Update }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, update: JSON.parse(Buffer.concat(chunks).toString()) as Update });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/telegram`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('Telegram emulator: updates', () => {
  let emu: TelegramEmulator;
  let clock: FakeClock;
  let call: RawCall;
  const closers: (() => Promise<void>)[] = [];

  async function start(): Promise<void> {
    clock = new FakeClock();
    emu = await startTelegramEmulator({ clock, webhookRetryMs: 5000 });
    call = rawClient(emu);
  }

  afterEach(async () => {
    await emu.stop();
    for (const close of closers.splice(0)) await close();
  });

  it('returns waiting updates and forgets them once a higher offset confirms them', async () => {
    await start();
    emu.userSends(1, '/start');
    emu.userSends(2, 'hello');
    const updates = await ok(call<Update[]>('getUpdates'));
    expect(updates.map((u) => u.message?.text)).toEqual(['/start', 'hello']);
    expect(updates[0]?.message?.entities).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);
    const last = updates[1]?.update_id ?? 0;
    expect(await ok(call<Update[]>('getUpdates', { offset: last }))).toHaveLength(1);
    expect(await ok(call<Update[]>('getUpdates', { offset: last + 1 }))).toEqual([]);
  });

  it('keeps only the last updates for a negative offset, and honours limit', async () => {
    await start();
    for (const text of ['a', 'b', 'c']) emu.userSends(1, text);
    expect((await ok(call<Update[]>('getUpdates', { limit: 1 }))).map((u) => u.message?.text)).toEqual(['a']);
    expect((await ok(call<Update[]>('getUpdates', { offset: -1 }))).map((u) => u.message?.text)).toEqual(['c']);
    expect((await ok(call<Update[]>('getUpdates'))).map((u) => u.message?.text)).toEqual(['c']);
  });

  it('holds a long poll open until an update arrives', async () => {
    await start();
    const poll = ok(call<Update[]>('getUpdates', { timeout: 30 }));
    await until(() => emu.calls('getUpdates').length === 1, 'the poll to arrive');
    await clock.advance(29_000);
    // The emulator records the status when it answers: none yet.
    expect(emu.calls('getUpdates')[0]?.status).toBeUndefined();
    emu.userSends(1, 'now');
    expect((await poll).map((u) => u.message?.text)).toEqual(['now']);
  });

  it('answers a long poll with nothing when its timeout passes', async () => {
    await start();
    const poll = ok(call<Update[]>('getUpdates', { timeout: 5 }));
    await until(() => emu.calls('getUpdates').length === 1, 'the poll to arrive');
    await clock.advance(4999);
    expect(emu.calls('getUpdates')[0]?.status).toBeUndefined();
    await clock.advance(1);
    expect(await poll).toEqual([]);
  });

  it('ends a waiting poll with 409 when another getUpdates comes, like Telegram', async () => {
    await start();
    const first = call('getUpdates', { timeout: 30 });
    await until(() => emu.calls('getUpdates').length === 1, 'the first poll to arrive');
    const second = call<Update[]>('getUpdates', { timeout: 30 });
    expect(await first).toEqual({
      status: 409,
      body: { ok: false, error_code: 409, description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running' },
    });
    emu.userSends(1, 'x');
    expect((await second).body.result).toHaveLength(1);
  });

  it('leaves chat_member updates out unless allowed_updates names them', async () => {
    await start();
    const channel = emu.createChannel({ title: 'VIP' });
    const link = await ok(call<{ invite_link: string }>('createChatInviteLink', { chat_id: channel.id }));
    emu.userJoinsWithLink(5, link.invite_link);
    const byDefault = await ok(call<Update[]>('getUpdates'));
    expect(byDefault.map((u) => Object.keys(u)[1])).toEqual(['my_chat_member']);
    await ok(call('getUpdates', { offset: (byDefault[0]?.update_id ?? 0) + 1, allowed_updates: ['chat_member', 'message'] }));
    emu.userLeaves(5, channel.id);
    emu.userBlocksBot(9);
    const optedIn = await ok(call<Update[]>('getUpdates'));
    expect(optedIn.map((u) => u.chat_member?.new_chat_member.status)).toEqual(['left']);
    expect(emu.updateLog.filter((e) => e.dropped).map((e) => Object.keys(e.update)[1])).toEqual(['chat_member', 'my_chat_member']);
  });

  it('forgets a poll whose client went away', async () => {
    await start();
    const aborter = new AbortController();
    const gone = call('getUpdates', { timeout: 30 }, { signal: aborter.signal }).catch(() => 'aborted');
    await until(() => emu.calls('getUpdates').length === 1, 'the poll to arrive');
    aborter.abort();
    expect(await gone).toBe('aborted');
    await until(() => emu.calls('getUpdates')[0]?.status !== undefined, 'the emulator to notice');
    emu.userSends(1, 'kept');
    expect((await ok(call<Update[]>('getUpdates'))).map((u) => u.message?.text)).toEqual(['kept']);
  });

  it('posts updates to a webhook with the secret token, and then refuses getUpdates with 409', async () => {
    await start();
    const hook = await webhookReceiver();
    closers.push(hook.close);
    expect((await call('setWebhook', { url: hook.url, secret_token: 's3cret_T0ken' })).body).toEqual({ ok: true, result: true, description: 'Webhook was set' });
    emu.userSends(1, '/start');
    await emu.webhookSettled();
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]?.headers['x-telegram-bot-api-secret-token']).toBe('s3cret_T0ken');
    expect(hook.received[0]?.update.message?.text).toBe('/start');
    expect(await call('getUpdates')).toEqual({
      status: 409,
      body: { ok: false, error_code: 409, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first" },
    });
    expect(await ok(call('getWebhookInfo'))).toEqual({ url: hook.url, has_custom_certificate: false, pending_update_count: 0, max_connections: 40 });
  });

  it('keeps an update the webhook refused, reports the error and delivers it on a later try', async () => {
    await start();
    const hook = await webhookReceiver([500]);
    closers.push(hook.close);
    await ok(call('setWebhook', { url: hook.url }));
    emu.userSends(1, 'first');
    await emu.webhookSettled();
    expect(await ok(call('getWebhookInfo'))).toMatchObject({ pending_update_count: 1, last_error_message: 'Wrong response from the webhook: 500 Internal Server Error' });
    await clock.advance(5000);
    await emu.webhookSettled();
    expect(hook.received.map((r) => r.update.message?.text)).toEqual(['first', 'first']);
    expect(await ok(call('getWebhookInfo'))).toMatchObject({ pending_update_count: 0 });
  });

  it('drops pending updates on deleteWebhook when asked, and polling works again', async () => {
    await start();
    const hook = await webhookReceiver([500, 500]);
    closers.push(hook.close);
    await ok(call('setWebhook', { url: hook.url }));
    emu.userSends(1, 'lost');
    await emu.webhookSettled();
    expect((await call('deleteWebhook', { drop_pending_updates: true })).body).toEqual({ ok: true, result: true, description: 'Webhook was deleted' });
    expect(await ok(call<Update[]>('getUpdates'))).toEqual([]);
    expect(await ok(call('getWebhookInfo'))).toEqual({ url: '', has_custom_certificate: false, pending_update_count: 0 });
  });

  it('refuses a webhook off this machine and a secret token with bad characters', async () => {
    await start();
    expect((await call('setWebhook', { url: 'https://example.com/hook' })).body.description).toMatch(/^Bad Request: bad webhook/);
    expect((await call('setWebhook', { url: 'http://127.0.0.1:1/hook', secret_token: 'no spaces!' })).body).toEqual({
      ok: false,
      error_code: 400,
      description: 'Bad Request: secret token contains unallowed characters',
    });
  });
});
