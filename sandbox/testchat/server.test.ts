import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { startTestchat, type TestchatEmulator, type TestchatOptions } from './server';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

describe('testchat emulator', () => {
  let emulator: TestchatEmulator | undefined;
  let clock: FakeClock;
  let send: (chatId: string | number, text?: string, token?: string) => Promise<{ status: number; body: Record<string, unknown> }>;

  async function start(options: TestchatOptions = {}): Promise<TestchatEmulator> {
    clock = new FakeClock(T0);
    const started = await startTestchat({ clock, ...options });
    emulator = started.emulator;
    send = async (chatId, text = 'hello', token = started.token) => {
      const res = await fetch(`${started.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ chat: String(chatId), text }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    return started.emulator;
  }

  afterEach(async () => {
    await emulator?.stop();
    emulator = undefined;
  });

  it('accepts a message, answers with its id and records it with its arrival time', async () => {
    const emu = await start();
    clock.set(T0 + 1_234);
    const res = await send(42, 'BTC long');
    expect(res).toEqual({ status: 200, body: { id: '1', chat: '42' } });
    expect(emu.messages).toEqual([{ messageId: 1, chatId: '42', text: 'BTC long', at: T0 + 1_234 }]);
    expect(emu.stats()).toMatchObject({ requests: 1, accepted: 1, violations: 0, firstAcceptedAt: T0 + 1_234 });
  });

  it('refuses a wrong token, an empty text and a missing chat', async () => {
    const emu = await start({ token: 'right-token' });
    expect(await send(1, 'x', 'wrong')).toEqual({ status: 401, body: { error: { code: 'unauthorized', message: 'the token was refused' } } });
    expect(await send(1, ' ')).toEqual({ status: 400, body: { error: { code: 'invalid_request', message: 'text is empty' } } });
    expect((await send(1, 'x'.repeat(4001))).body).toMatchObject({ error: { code: 'invalid_request' } });
    expect(emu.messages).toEqual([]);
  });

  it('answers a send over the per-chat window with 429 and counts it as a violation', async () => {
    const emu = await start({ limits: { perChat: { limit: 1, windowMs: 1_000 } } });
    expect((await send(1)).status).toBe(200);
    clock.set(T0 + 400);
    const refused = await send(1);
    expect(refused).toEqual({
      status: 429,
      body: { error: { code: 'rate_limited', message: 'too many messages to this chat: retry after 1 s', scope: 'chat', retry_after_ms: 1_000 } },
    });
    expect((await send(2)).status).toBe(200);
    expect(emu.stats()).toMatchObject({ accepted: 2, violations: 1, violationsByKind: { per_chat: 1 }, injected429: 0 });
  });

  it('counts a request inside a retry_after it was given as a violation, and accepts once it has run out', async () => {
    const emu = await start({ limits: { perChat: { limit: 1, windowMs: 1_000 } } });
    await send(1);
    clock.set(T0 + 400);
    await send(1); // 429, retry after 1 s: until T0 + 1400
    clock.set(T0 + 1_200);
    expect((await send(1)).status).toBe(429);
    clock.set(T0 + 2_400);
    expect((await send(1)).status).toBe(200);
    expect(emu.stats().violationsByKind).toEqual({ retry_after: 1, overall: 0, per_chat: 1, per_group: 0 });
  });

  it('holds every chat back after breaking the overall window, and gives that 429 the global scope', async () => {
    const emu = await start({ limits: { overall: { limit: 2, windowMs: 1_000 } } });
    await send(1);
    await send(2);
    const refused = await send(3);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ retry_after_ms: 1_000, scope: 'global' });
    clock.set(T0 + 999);
    expect((await send(4)).status).toBe(429);
    clock.set(T0 + 1_000);
    expect((await send(4)).status).toBe(200);
    expect(emu.stats().violationsByKind).toMatchObject({ overall: 1, retry_after: 1 });
  });

  it('applies the group window only to group chats, whose ids start with "-"', async () => {
    const emu = await start({ limits: { perGroup: { limit: 1, windowMs: 60_000 } } });
    await send(-100);
    await send(5);
    await send(5);
    expect((await send(-100)).body).toMatchObject({ error: { code: 'rate_limited', retry_after_ms: 60_000 } });
    expect(emu.stats()).toMatchObject({ accepted: 3, violationsByKind: { per_group: 1 } });
  });

  it('injects a seeded share of 429s, the same ones on every run, apart from violations', async () => {
    const run = async () => {
      const emu = await start({ inject429: { rate: 0.3, retryAfterSeconds: 2, seed: 42 } });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await send(i)).status);
      const stats = emu.stats();
      await emu.stop();
      return { statuses, stats };
    };
    const first = await run();
    const second = await run();
    expect(first.statuses).toEqual(second.statuses);
    expect(first.stats.injected429).toBeGreaterThan(4);
    expect(first.stats.injected429).toBeLessThan(24);
    expect(first.stats.violations).toBe(0);
    emulator = undefined;
  });

  it('treats a send inside an injected retry_after as a violation', async () => {
    const emu = await start();
    emu.failNext({ kind: 'rate_limit', retryAfterSeconds: 3 }, { chatId: '7' });
    expect((await send(7)).body).toMatchObject({ error: { code: 'rate_limited', retry_after_ms: 3_000 } });
    expect((await send(8)).status).toBe(200);
    clock.set(T0 + 2_000);
    expect((await send(7)).status).toBe(429);
    expect(emu.stats()).toMatchObject({ injected429: 1, violations: 1, violationsByKind: { retry_after: 1 } });
  });

  it('pauses every chat after an injected global 429', async () => {
    const emu = await start();
    emu.failNext({ kind: 'rate_limit', retryAfterSeconds: 1, global: true });
    expect((await send(1)).body).toMatchObject({ error: { retry_after_ms: 1_000, scope: 'global' } });
    expect((await send(2)).status).toBe(429);
    expect(emu.stats().violations).toBe(1);
  });

  it('names the scope of a 429: the chat for a per-chat limit, and what an injected one says', async () => {
    const emu = await start({ limits: { perChat: { limit: 1, windowMs: 1_000 } } });
    await send(1);
    expect((await send(1)).body).toMatchObject({ error: { code: 'rate_limited', retry_after_ms: 1_000, scope: 'chat' } });
    emu.failNext({ kind: 'rate_limit', retryAfterSeconds: 2, scope: 'route', bucket: 'send-message' }, { chatId: '3' });
    expect((await send(3)).body).toMatchObject({ error: { code: 'rate_limited', retry_after_ms: 2_000, scope: 'route', bucket: 'send-message' } });
    // One route and no tenants: a route-scoped 429 holds every chat back.
    expect((await send(5)).body).toMatchObject({ error: { code: 'rate_limited', scope: 'global' } });
    clock.set(T0 + 2_000);
    emu.failNext({ kind: 'rate_limit', retryAfterSeconds: 2, scope: 'tenant' }, { chatId: '4' });
    expect((await send(4)).body).toMatchObject({ error: { code: 'rate_limited', retry_after_ms: 2_000, scope: 'tenant' } });
    // It knows no tenants: a tenant's 429 holds back only the chat it answered.
    expect((await send(4)).status).toBe(429);
    expect((await send(6)).status).toBe(200);
    expect(emu.stats()).toMatchObject({ injected429: 2, violations: 3 });
  });

  it('answers a blocked chat with 403 blocked and a chat that is gone with 404 chat_not_found', async () => {
    const emu = await start();
    emu.blockChat('5');
    emu.removeChat('6');
    expect(await send(5)).toEqual({ status: 403, body: { error: { code: 'blocked', message: 'the person blocked the bot' } } });
    expect(await send(6)).toEqual({ status: 404, body: { error: { code: 'chat_not_found', message: 'no chat 6' } } });
    expect(emu.stats()).toMatchObject({ blocked: 1, notFound: 1, accepted: 0 });
  });

  it('counts the same text accepted twice in one chat as a duplicate', async () => {
    const emu = await start();
    await send(1, 'a');
    await send(1, 'a');
    await send(2, 'a');
    expect(emu.stats().duplicates).toBe(1);
  });

  it('shows its state to another process over the control routes, and resets', async () => {
    const emu = await start();
    await send(1, 'one');
    await fetch(`${emu.url}/__control/chats/9`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"status":"blocked"}' });
    expect((await send(9)).status).toBe(403);
    const stats = (await (await fetch(`${emu.url}/__control/stats`)).json()) as Record<string, unknown>;
    expect(stats).toMatchObject({ accepted: 1, blocked: 1 });
    const listed = (await (await fetch(`${emu.url}/__control/messages`)).json()) as { messages: unknown[] };
    expect(listed.messages).toEqual([{ messageId: 1, chatId: '1', text: 'one', at: T0 }]);
    expect((await fetch(`${emu.url}/__control/reset`, { method: 'POST' })).status).toBe(200);
    expect(emu.stats()).toMatchObject({ accepted: 0, blocked: 0 });
    expect((await send(9)).status).toBe(200);
  });

  it('holds answers until released, judging each send when it arrives', async () => {
    const emu = await start();
    const release = emu.holdAnswers();
    const pending = send(1);
    while (emu.messages.length === 0) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(emu.server.requests[0]?.status).toBeUndefined();
    release();
    expect((await pending).status).toBe(200);
    expect(emu.server.requests[0]?.status).toBe(200);
  });

  it('edits a message, keeping what it said before, and refuses an edit of a message it does not have', async () => {
    const emu = await start({ token: 't1' });
    await send(1, 'first');
    const patch = (id: string, text: string) => fetch(`${emu.url}/v1/messages/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: 'Bearer t1' }, body: JSON.stringify({ text }) });
    expect((await patch('1', 'second')).status).toBe(200);
    expect(emu.messages[0]).toMatchObject({ text: 'second', earlier: ['first'] });
    expect(emu.transcript('1')).toEqual(['first', 'second']);
    expect(await (await patch('99', 'x')).json()).toEqual({ error: { code: 'unknown_message', message: 'no message 99' } });
  });

  it('keeps buttons with a message, and without buttons refuses a message carrying some', async () => {
    const post = (url: string, body: unknown) => fetch(`${url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer t2' }, body: JSON.stringify(body) });
    const withButtons = await start({ token: 't2' });
    const buttons = [[{ label: 'Pay', url: 'http://127.0.0.1:1/pay' }, { label: 'VIP', data: 'plan:vip' }]];
    expect((await post(withButtons.url, { chat: '1', text: 'Plans', buttons })).status).toBe(200);
    expect(withButtons.messages[0]?.buttons).toEqual(buttons);
    await expect(withButtons.pressButton('1', '1', 'plan:other')).rejects.toThrow(/no button plan:other/);
    await withButtons.stop();
    const plain = await start({ token: 't2', buttons: false });
    const refused = await post(plain.url, { chat: '1', text: 'Plans', buttons });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { code: 'buttons_unsupported' } });
    expect(plain.messages).toEqual([]);
  });

  it('lets the bot manage gated chats and roles below its own, refusing the rest with a code', async () => {
    const emu = await start({ token: 't3' });
    emu.access.createChat('vip');
    emu.access.createTenant('g', { botPosition: 5 });
    emu.access.setRole('g', 'low', 4);
    emu.access.setRole('g', 'high', 5);
    emu.access.addTenantMember('g', 'u1');
    const call = async (method: string, path: string) => {
      const res = await fetch(`${emu.url}${path}`, { method, headers: { authorization: 'Bearer t3' } });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    expect(await call('PUT', '/v1/chats/vip/members/u1')).toEqual({ status: 200, body: { member: true, changed: true } });
    expect(await call('GET', '/v1/chats/vip/members/u1')).toEqual({ status: 200, body: { member: true, changed: false } });
    expect(await call('PUT', '/v1/tenants/g/members/u1/roles/low')).toEqual({ status: 200, body: { has_role: true, changed: true } });
    expect(await call('PUT', '/v1/tenants/g/members/u1/roles/high')).toMatchObject({ status: 403, body: { error: { code: 'hierarchy' } } });
    expect(await call('PUT', '/v1/tenants/g/members/u2/roles/low')).toMatchObject({ status: 404, body: { error: { code: 'unknown_member' } } });
    expect(await call('PUT', '/v1/chats/nope/members/u1')).toMatchObject({ status: 404, body: { error: { code: 'chat_not_found' } } });
    expect(await call('GET', '/v1/tenants/g/members/u1')).toEqual({ status: 200, body: { roles: ['low'] } });
  });
});
