import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { startTelegramEmulator, type TelegramEmulator } from './emulator';
import { rawClient } from './test-client';

describe('Telegram emulator: the HTTP surface', () => {
  let emu: TelegramEmulator;
  afterEach(async () => emu.stop());

  it('answers getMe for its token, on loopback', async () => {
    emu = await startTelegramEmulator({ token: '123456:ABCDEFGHIJKLMNOPQRSTUV', botUsername: 'demo_bot' });
    expect(emu.apiRoot).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { status, body } = await rawClient(emu)('getMe');
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, result: { id: 123456, is_bot: true, username: 'demo_bot' } });
  });

  it('refuses a wrong token with 401 Unauthorized', async () => {
    emu = await startTelegramEmulator();
    const answer = await rawClient({ apiRoot: emu.apiRoot, token: '999:wrongwrongwrongwrongwrong' })('getMe');
    expect(answer).toEqual({ status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
  });

  it('answers an unknown method or path with 404 Not Found in Telegram shape', async () => {
    emu = await startTelegramEmulator();
    expect(await rawClient(emu)('sendTelepathy')).toEqual({ status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } });
    const res = await fetch(`${emu.apiRoot}/nowhere`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found' });
  });

  it('takes method names in any case, GET with a query string and forms, like Telegram', async () => {
    emu = await startTelegramEmulator();
    emu.userSends(42, 'hi');
    const viaGet = await fetch(`${emu.apiRoot}/bot${emu.token}/SENDMESSAGE?chat_id=42&text=hello`);
    expect(await viaGet.json()).toMatchObject({ ok: true, result: { chat: { id: 42 }, text: 'hello' } });
    const viaForm = await fetch(`${emu.apiRoot}/bot${emu.token}/getChatMember`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'chat_id=42&user_id=42',
    });
    expect(await viaForm.json()).toMatchObject({ ok: true, result: { status: 'member', user: { id: 42 } } });
  });

  it('renders injected faults in Telegram shape, for the method named', async () => {
    emu = await startTelegramEmulator({ clock: new FakeClock() });
    emu.userSends(42, 'hi');
    const call = rawClient(emu);
    emu.failNext({ kind: 'rate_limit', retryAfterSeconds: 7 }, { method: 'sendMessage' });
    emu.failNext({ kind: 'server_error', status: 502 }, { method: 'getChat' });
    emu.failNext({ kind: 'platform_error', status: 403, description: 'Forbidden: bot was kicked from the channel chat' }, { method: 'getChat' });
    expect((await call('getMe')).status).toBe(200);
    expect(await call('sendMessage', { chat_id: 42, text: 'x' })).toEqual({
      status: 429,
      body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } },
    });
    expect((await call('getChat', { chat_id: 42 })).body).toEqual({ ok: false, error_code: 502, description: 'Bad Gateway' });
    expect((await call('getChat', { chat_id: 42 })).body).toEqual({ ok: false, error_code: 403, description: 'Forbidden: bot was kicked from the channel chat' });
    expect(emu.stats.injectedRateLimited).toBe(1);
  });

  it('keeps an injected retry_after binding the chat, and counts the request that ignores it', async () => {
    const clock = new FakeClock();
    emu = await startTelegramEmulator({ clock });
    emu.userSends(42, 'hi');
    const call = rawClient(emu);
    emu.failNext({ kind: 'rate_limit', retryAfterSeconds: 3 }, { method: 'sendMessage' });
    expect((await call('sendMessage', { chat_id: 42, text: 'x' })).status).toBe(429);
    await clock.advance(1000);
    expect((await call('sendMessage', { chat_id: 42, text: 'x' })).body.parameters).toEqual({ retry_after: 2 });
    expect(emu.stats.violations).toBe(1);
    await clock.advance(2000);
    expect((await call('sendMessage', { chat_id: 42, text: 'x' })).status).toBe(200);
  });

  it('forgets its world on reset but keeps its token and update ids going up', async () => {
    emu = await startTelegramEmulator();
    const first = emu.userSends(42, 'hi');
    expect(first.message_id).toBe(1);
    const before = emu.updateLog[0]?.update.update_id ?? 0;
    emu.reset();
    expect(emu.requests).toHaveLength(0);
    expect(emu.sentMessages()).toEqual([]);
    expect(await rawClient(emu)('sendMessage', { chat_id: 42, text: 'x' })).toMatchObject({ status: 400, body: { description: 'Bad Request: chat not found' } });
    emu.userSends(42, 'again');
    expect(emu.updateLog[0]?.update.update_id).toBeGreaterThan(before);
  });

  it('refuses a token that does not look like one, at construction', async () => {
    await expect(startTelegramEmulator({ token: 'not-a-token' })).rejects.toThrow(/token must look like/);
    emu = await startTelegramEmulator();
  });
});
