import type { Message, Update } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { startTelegramEmulator, type TelegramEmulator } from './emulator';
import { ok, rawClient, tinyPng, type RawCall } from './test-client';

describe('Telegram emulator: messages', () => {
  let emu: TelegramEmulator;
  let clock: FakeClock;
  let call: RawCall;

  async function start(limits?: Parameters<typeof startTelegramEmulator>[0]): Promise<void> {
    clock = new FakeClock(Date.UTC(2026, 0, 5, 12, 0, 0));
    emu = await startTelegramEmulator({ clock, ...limits });
    call = rawClient(emu);
  }

  afterEach(async () => emu.stop());

  it('sends HTML to a user who wrote first, answering the message with its entities', async () => {
    await start();
    emu.userSends(42, '/start', { profile: { firstName: 'Ada', username: 'ada' } });
    const sent = await ok(call<Message>('sendMessage', { chat_id: 42, text: '<b>BTC</b> long &amp; strong', parse_mode: 'HTML' }));
    expect(sent).toEqual({
      message_id: 2,
      from: { id: emu.botId, is_bot: true, first_name: 'Signalcast', username: 'signalcast_bot' },
      chat: { id: 42, type: 'private', first_name: 'Ada', username: 'ada' },
      date: Date.UTC(2026, 0, 5, 12, 0, 0) / 1000,
      text: 'BTC long & strong',
      entities: [{ type: 'bold', offset: 0, length: 3 }],
    });
    expect(emu.sentMessages(42)).toEqual([sent]);
  });

  it("refuses HTML it can't parse with Telegram's 400", async () => {
    await start();
    emu.userSends(42, 'hi');
    expect(await call('sendMessage', { chat_id: 42, text: '<b>BTC_USD <i>up</b>', parse_mode: 'HTML' })).toEqual({
      status: 400,
      body: { ok: false, error_code: 400, description: 'Bad Request: can\'t parse entities: Unmatched end tag at byte offset 16, expected "</i>", found "</b>"' },
    });
    expect((await call('sendMessage', { chat_id: 42, text: 'S&P <500>', parse_mode: 'HTML' })).body.description).toMatch(/^Bad Request: can't parse entities: /);
    expect(emu.sentMessages()).toEqual([]);
  });

  it('answers 400 chat not found, 403 blocked, 403 never started and 403 deactivated', async () => {
    await start();
    const send = (chat_id: number | string) => call('sendMessage', { chat_id, text: 'x' });
    expect((await send(777)).body).toEqual({ ok: false, error_code: 400, description: 'Bad Request: chat not found' });
    expect((await send('@nobody')).body.description).toBe('Bad Request: chat not found');
    emu.userSends(1, 'hi');
    emu.userBlocksBot(1);
    expect(await send(1)).toEqual({ status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' } });
    emu.userUnblocksBot(1);
    expect((await send(1)).status).toBe(200);
    emu.addUser(2);
    expect((await send(2)).body.description).toBe("Forbidden: bot can't initiate conversation with a user");
    emu.userSends(3, 'hi');
    emu.userDeactivates(3);
    expect((await send(3)).body.description).toBe('Forbidden: user is deactivated');
    expect((await call('sendMessage', { chat_id: 1 })).body.description).toBe('Bad Request: message text is empty');
  });

  it('shows an inline keyboard with url and callback buttons, and link preview options', async () => {
    await start();
    emu.userSends(42, 'hi');
    const reply_markup = { inline_keyboard: [[{ text: 'Pay', url: 'http://127.0.0.1:4242/pay/cs_1' }], [{ text: 'Later', callback_data: 'later:pro' }]] };
    const sent = await ok(call<Message>('sendMessage', {
      chat_id: 42,
      text: 'Subscribe',
      reply_markup,
      link_preview_options: { is_disabled: true },
      allow_paid_broadcast: true,
      protect_content: true,
    }));
    expect(sent.reply_markup).toEqual(reply_markup);
    expect(sent).toMatchObject({ link_preview_options: { is_disabled: true }, has_protected_content: true });
  });

  it('refuses keyboards Telegram refuses', async () => {
    await start();
    emu.userSends(42, 'hi');
    const send = (inline_keyboard: unknown) => call('sendMessage', { chat_id: 42, text: 'x', reply_markup: { inline_keyboard } });
    expect((await send([[{ text: 'plain' }]])).body.description).toBe("Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
    expect((await send([[{ text: 'big', callback_data: 'x'.repeat(65) }]])).body.description).toBe('Bad Request: BUTTON_DATA_INVALID');
    expect((await send([[{ text: 'bad', url: 'not a url' }]])).body.description).toBe("Bad Request: inline keyboard button URL 'not a url' is invalid: Wrong HTTP URL");
    expect((await send({ text: 'x' })).body.description).toMatch(/should be an Array of Arrays/);
    expect((await call('sendMessage', { chat_id: 42, text: 'x', reply_markup: '{oops' })).body.description).toBe("Bad Request: can't parse reply keyboard markup JSON object");
  });

  it('answers 429 with retry_after for a second message to a chat within a second', async () => {
    await start();
    emu.userSends(42, 'hi');
    expect((await call('sendMessage', { chat_id: 42, text: 'one' })).status).toBe(200);
    const second = await call('sendMessage', { chat_id: 42, text: 'two' });
    expect(second).toEqual({
      status: 429,
      body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } },
    });
    await clock.advance(1000);
    expect((await call('sendMessage', { chat_id: 42, text: 'two' })).status).toBe(200);
    expect(emu.stats).toEqual({ accepted: 2, rateLimited: 1, injectedRateLimited: 0, violations: 0 });
  });

  it('lets paid broadcasts past the 30/s overall limit, up to the paid one', async () => {
    await start({ limits: { paidBroadcast: { limit: 40, windowMs: 1000 } } });
    for (let id = 1; id <= 41; id++) emu.addUser(id, { startedBot: true });
    const statuses: number[] = [];
    for (let id = 1; id <= 31; id++) statuses.push((await call('sendMessage', { chat_id: id, text: 'free' })).status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);
    await clock.advance(1000);
    const paid: number[] = [];
    for (let id = 1; id <= 41; id++) paid.push((await call('sendMessage', { chat_id: id, text: 'paid', allow_paid_broadcast: true })).status);
    expect(paid.filter((s) => s === 200)).toHaveLength(40);
  });

  it('posts in a channel as the channel, and holds a group to its per-minute limit', async () => {
    await start({ limits: { perChat: { limit: 10, windowMs: 1000 }, perGroup: { limit: 2, windowMs: 60_000 } } });
    const channel = emu.createChannel({ title: 'Signals' });
    const post = await ok(call<Message>('sendMessage', { chat_id: channel.id, text: 'BTC' }));
    expect(post.sender_chat).toEqual({ id: channel.id, type: 'channel', title: 'Signals' });
    expect(post.from).toBeUndefined();
    await ok(call('sendMessage', { chat_id: channel.id, text: 'ETH' }));
    expect((await call('sendMessage', { chat_id: channel.id, text: 'SOL' })).body.parameters).toEqual({ retry_after: 60 });
  });

  it('edits its own text, removes the keyboard when an edit leaves reply_markup out, and refuses a no-op edit', async () => {
    await start();
    emu.userSends(42, 'hi');
    const sent = await ok(call<Message>('sendMessage', { chat_id: 42, text: 'Alert', reply_markup: { inline_keyboard: [[{ text: 'Why?', callback_data: 'why' }]] } }));
    await clock.advance(5000);
    const edited = await ok(call<Message>('editMessageText', { chat_id: 42, message_id: sent.message_id, text: '<i>Alert</i> with rationale', parse_mode: 'HTML' }));
    expect(edited).toMatchObject({ message_id: sent.message_id, text: 'Alert with rationale', edit_date: sent.date + 5, entities: [{ type: 'italic', offset: 0, length: 5 }] });
    expect(edited.reply_markup).toBeUndefined();
    expect(emu.sentMessages(42)).toEqual([edited]);
    expect((await call('editMessageText', { chat_id: 42, message_id: sent.message_id, text: '<i>Alert</i> with rationale', parse_mode: 'HTML' })).body.description).toMatch(/^Bad Request: message is not modified/);
    expect((await call('editMessageText', { chat_id: 42, message_id: 1, text: 'x' })).body.description).toBe("Bad Request: message can't be edited");
    expect((await call('editMessageText', { chat_id: 42, message_id: 99, text: 'x' })).body.description).toBe('Bad Request: message to edit not found');
  });

  it('takes a photo upload as multipart and answers with its sizes', async () => {
    await start();
    emu.userSends(42, 'hi');
    const form = new FormData();
    form.set('chat_id', '42');
    form.set('caption', '<b>Daily</b> snapshot');
    form.set('parse_mode', 'HTML');
    form.set('photo', new Blob([tinyPng(1600, 900)]), 'chart.png');
    const sent = await ok(call<Message>('sendPhoto', form));
    expect(sent.photo?.map((p) => [p.width, p.height])).toEqual([[90, 51], [320, 180], [800, 450], [1280, 720]]);
    expect(sent).toMatchObject({ caption: 'Daily snapshot', caption_entities: [{ type: 'bold', offset: 0, length: 5 }] });
    await clock.advance(1000);
    const again = await ok(call<Message>('sendPhoto', { chat_id: 42, photo: sent.photo?.[3]?.file_id }));
    expect(again.photo?.[0]?.file_id).toBe(sent.photo?.[3]?.file_id);
  });

  it('refuses a photo that is not an image, and one it would have to fetch', async () => {
    await start();
    emu.userSends(42, 'hi');
    const form = new FormData();
    form.set('chat_id', '42');
    form.set('photo', new Blob([Buffer.from('not an image')]), 'x.png');
    expect((await call('sendPhoto', form)).body.description).toBe('Bad Request: IMAGE_PROCESS_FAILED');
    expect((await call('sendPhoto', { chat_id: 42, photo: 'https://example.com/x.png' })).body.description).toBe('Bad Request: wrong file identifier/HTTP URL specified');
  });

  it('turns a button press into a callback_query that can be answered once', async () => {
    await start();
    emu.userSends(42, 'hi');
    const sent = await ok(call<Message>('sendMessage', { chat_id: 42, text: 'Pick', reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'band:A' }]] } }));
    const query = emu.userPressesButton(42, sent.message_id, 'band:A');
    const updates = await ok(call<Update[]>('getUpdates'));
    expect(updates.at(-1)?.callback_query).toMatchObject({ id: query.id, data: 'band:A', from: { id: 42 }, message: { message_id: sent.message_id } });
    expect(() => emu.userPressesButton(42, sent.message_id, 'band:B')).toThrow(/no button/);
    expect(await ok(call('answerCallbackQuery', { callback_query_id: query.id, text: 'Saved' }))).toBe(true);
    expect(emu.callbackQueries()[0]?.answer).toEqual({ text: 'Saved', showAlert: false });
    expect((await call('answerCallbackQuery', { callback_query_id: query.id })).body.description).toBe(
      'Bad Request: query is too old and response timeout expired or query ID is invalid',
    );
  });
});
