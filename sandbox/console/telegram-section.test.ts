// The console's Telegram section over real HTTP against a real Telegram emulator: what the page shows and what each form does.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTelegramEmulator, type TelegramEmulator } from '../telegram';
import { startConsole, type SandboxConsole } from './server';
import { TelegramSection } from './telegram-section';

const ADA = 100001;
const CHANNEL = -1001000000001;

let tg: TelegramEmulator;
let consolePage: SandboxConsole;

beforeEach(async () => {
  tg = await startTelegramEmulator();
  tg.createChannel({ id: CHANNEL, title: 'VIP signals', private: true });
  consolePage = await startConsole({ sections: [new TelegramSection({ emulator: tg, channels: [{ chatId: CHANNEL, title: 'VIP signals' }] })], refreshMs: 0 });
});

afterEach(async () => {
  await consolePage.stop();
  await tg.stop();
});

/** The bot calls the Bot API, as grammy would. */
async function botCalls(method: string, params: Record<string, unknown>): Promise<{ ok: boolean; result?: { message_id: number; invite_link: string }; error_code?: number }> {
  const res = await fetch(`${tg.apiRoot}/bot${tg.token}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
  return (await res.json()) as { ok: boolean; error_code?: number };
}

async function getPage(query = ''): Promise<string> {
  const res = await fetch(`${consolePage.url}/${query}`);
  expect(res.status).toBe(200);
  return res.text();
}

/** Submits a console form as a browser would, without following the redirect. */
function post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${consolePage.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

const textsIn = (chatId: number) => tg.messages(chatId).map((m) => ('text' in m ? m.text : undefined));

describe('the console page for Telegram', () => {
  it('shows the chat both ways in order, with user text escaped, callback buttons as forms and links opening a new tab', async () => {
    tg.userSends(ADA, '<script>alert("hi")</script> & /start');
    const offer = await botCalls('sendMessage', {
      chat_id: ADA,
      text: 'Pick a plan <3',
      reply_markup: { inline_keyboard: [[{ text: 'Pro', callback_data: 'plan:pro' }], [{ text: 'Pay now', url: 'http://127.0.0.1:9/c/pay/cs_test_1' }]] },
    });
    expect(offer.ok).toBe(true);

    const res = await fetch(`${consolePage.url}/`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'nonce-");
    const html = await res.text();
    expect(html).toContain('&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt; &amp; /start');
    expect(html).not.toContain('<script>alert');
    expect(html.indexOf('&lt;script&gt;')).toBeLessThan(html.indexOf('Pick a plan &lt;3'));
    expect(html).toContain(`<form method="post" action="/telegram/press" class="inline"><input type="hidden" name="message_id" value="${offer.result?.message_id}"><input type="hidden" name="data" value="plan:pro"><button type="submit">Pro</button></form>`);
    expect(html).toContain('<a href="http://127.0.0.1:9/c/pay/cs_test_1" target="_blank" rel="noopener noreferrer">Pay now ↗</a>');
    expect(html).toContain('You are <strong>Ada</strong> (@ada), Telegram user <code>100001</code>');
  });

  it('never makes a javascript: address a link', async () => {
    tg.userSends(ADA, '/start');
    await botCalls('sendMessage', { chat_id: ADA, text: 'see <a href="javascript:alert(1)">this</a>', parse_mode: 'HTML' });
    const html = await getPage();
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain('see this');
  });

  it('shows the bot commands as quick buttons once the bot sets them', async () => {
    expect(await getPage()).not.toContain('value="/plans"');
    await botCalls('setMyCommands', { commands: [{ command: 'start', description: 'Start here' }, { command: 'plans', description: 'See the plans' }] });
    const html = await getPage();
    expect(html).toContain('<input type="hidden" name="text" value="/plans"><button type="submit">/plans</button>');
    expect(html).toContain('/plans: See the plans');
  });

  it('sends what is typed to the bot as the user, and redirects back keeping who you are', async () => {
    const res = await post('/telegram/send?tg_user=100001', { text: '/subscribe pro' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/?tg_user=100001');
    expect(textsIn(ADA)).toEqual(['/subscribe pro']);
    expect(tg.messages(ADA)[0]?.from).toMatchObject({ id: ADA, first_name: 'Ada', username: 'ada' });
    expect(tg.pendingUpdates.flatMap((u) => (u.message ? [u.message.text] : []))).toEqual(['/subscribe pro']);
  });

  it('presses an inline button: the bot gets the callback query', async () => {
    tg.userSends(ADA, '/plans');
    const sent = await botCalls('sendMessage', { chat_id: ADA, text: 'Plans', reply_markup: { inline_keyboard: [[{ text: 'VIP', callback_data: 'plan:vip' }]] } });
    const messageId = String(sent.result?.message_id);
    const res = await post('/telegram/press', { message_id: messageId, data: 'plan:vip' });
    expect(res.status).toBe(303);
    expect(tg.callbackQueries()).toMatchObject([{ userId: ADA, chatId: ADA, messageId: Number(messageId), data: 'plan:vip' }]);
  });

  it('shows an invite link in the chat with a Join button that joins the channel, and Leave takes the user out', async () => {
    tg.userSends(ADA, '/start');
    const link = (await botCalls('createChatInviteLink', { chat_id: CHANNEL, member_limit: 1 })).result?.invite_link ?? '';
    expect(link).toMatch(/^https:\/\/t\.me\/\+/);
    await botCalls('sendMessage', { chat_id: ADA, text: `Welcome aboard! Your link: ${link}` });
    await botCalls('sendMessage', { chat_id: CHANNEL, text: 'BTCUSDT long <A>' });

    let html = await getPage();
    expect(html).toContain(`<input type="hidden" name="link" value="${link}"><button type="submit">Join</button>`);
    expect(html).toContain('you are <strong>not a member</strong>');
    expect(html).toContain('BTCUSDT long &lt;A&gt;');

    const joined = await post('/telegram/join', { link });
    expect(joined.status).toBe(303);
    expect(new URL(joined.headers.get('location') ?? '', consolePage.url).searchParams.get('notice')).toBe('You joined the channel.');
    expect(tg.isMember(CHANNEL, ADA)).toBe(true);
    html = await getPage();
    expect(html).toContain('you are <strong>a member</strong>');
    expect(html).toContain(`<input type="hidden" name="chat_id" value="${CHANNEL}"><button type="submit">Leave</button>`);

    expect((await post('/telegram/leave', { chat_id: String(CHANNEL) })).status).toBe(303);
    expect(tg.isMember(CHANNEL, ADA)).toBe(false);
  });

  it('blocks and unblocks the bot: sends to the user fail with 403 in between', async () => {
    tg.userSends(ADA, '/start');
    expect((await post('/telegram/block', {})).status).toBe(303);
    expect(await botCalls('sendMessage', { chat_id: ADA, text: 'hello?' })).toMatchObject({ ok: false, error_code: 403 });
    expect((await post('/telegram/unblock', {})).status).toBe(303);
    expect(await botCalls('sendMessage', { chat_id: ADA, text: 'hello again' })).toMatchObject({ ok: true });
  });

  it('switches to another user, created with the name given, and acts as them', async () => {
    const res = await post('/telegram/user?tg_user=100001', { user_id: '200002', first_name: 'Grace', username: 'grace' });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location') ?? '', consolePage.url);
    expect(location.searchParams.get('tg_user')).toBe('200002');
    expect(await getPage(location.search)).toContain('You are <strong>Grace</strong> (@grace), Telegram user <code>200002</code>');
    await post('/telegram/send?tg_user=200002', { text: 'hi' });
    expect(textsIn(200002)).toEqual(['hi']);
    expect(tg.messages(200002)[0]?.from?.first_name).toBe('Grace');
    expect(tg.messages(ADA)).toEqual([]);
  });

  it('answers bad input with 400 and a clear message, and changes nothing', async () => {
    const cases: [string, Record<string, string>, RegExp][] = [
      ['/telegram/send', { text: '   ' }, /text is empty/],
      ['/telegram/send', {}, /text is empty/],
      ['/telegram/send?tg_user=abc', { text: 'hi' }, /tg_user must be a positive whole number, got &quot;abc&quot;/],
      ['/telegram/user', { user_id: 'ada' }, /user_id must be a positive whole number/],
      ['/telegram/press', { message_id: 'x', data: 'plan:vip' }, /message_id must be a positive whole number/],
      ['/telegram/press', { message_id: '1' }, /data .* is missing/],
      ['/telegram/join', { link: 'https://evil.example/' }, /link must be an invite link/],
      ['/telegram/leave', { chat_id: 'vip' }, /chat_id must be a whole number/],
    ];
    for (const [path, fields, message] of cases) {
      const res = await post(path, fields);
      expect(res.status, path).toBe(400);
      expect(await res.text(), path).toMatch(message);
    }
    expect(tg.messages(ADA)).toEqual([]);
    expect(tg.callbackQueries()).toEqual([]);
    expect(tg.pendingUpdates.filter((u) => u.message ?? u.callback_query)).toEqual([]);
    expect(await getPage()).toContain('Telegram user <code>100001</code>');
  });

  it('answers 409 with the emulator\'s reason when the world refuses, e.g. writing after blocking the bot', async () => {
    await post('/telegram/block', {});
    const res = await post('/telegram/send', { text: 'hi' });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('blocked the bot');
    expect(tg.messages(ADA)).toEqual([]);
  });

  it('refuses a form posted from another site', async () => {
    const res = await post('/telegram/send', { text: 'hi' }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(tg.messages(ADA)).toEqual([]);
    expect((await post('/telegram/send', { text: 'hi' }, { origin: consolePage.url })).status).toBe(303);
    // The same page opened as localhost, but not another port on this machine.
    const port = new URL(consolePage.url).port;
    expect((await post('/telegram/send', { text: 'hi again' }, { origin: `http://localhost:${port}` })).status).toBe(303);
    expect((await post('/telegram/send', { text: 'no' }, { origin: `http://localhost:${Number(port) + 1}` })).status).toBe(403);
    expect(tg.messages(ADA).map((m) => m.text)).toEqual(['hi', 'hi again']);
  });
});
