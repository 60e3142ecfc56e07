import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../sandbox/telegram/test-client';
import { OPERATOR_COMMANDS, PUBLIC_COMMANDS } from '../commands/help';
import { FREE_TEXT_HELP } from '../commands/router';
import { botWorld, OPERATOR, type BotWorld } from './bot.fixtures';
import { createTelegramBot } from './index';
import { silentLogger } from '../../core/logger';
import { startTelegramEmulator } from '../../sandbox/telegram';
import { recipientKey } from '../../core/types';

describe('Telegram bot (real grammy, long polling, against the emulator)', () => {
  let w: BotWorld;
  afterEach(async () => w.stop());

  it('registers the command menu at start, with the operator commands in the operators\' chats', async () => {
    w = await botWorld();
    expect(w.emu.commands().map((c) => c.command)).toEqual(PUBLIC_COMMANDS.map((c) => c.command));
    expect(w.emu.commands({ type: 'chat', chat_id: OPERATOR }).map((c) => c.command)).toEqual([...PUBLIC_COMMANDS, ...OPERATOR_COMMANDS].map((c) => c.command));
    expect(w.bot.username).toBe('signalcast_test_bot');
    expect(w.bot.deepLink('ref_AB12')).toBe('https://t.me/signalcast_test_bot?start=ref_AB12');
    await until(() => w.emu.calls('getUpdates').length > 0, 'the first poll');
    expect(w.emu.calls('getUpdates')[0]?.body).toMatchObject({ allowed_updates: ['message', 'callback_query', 'chat_join_request', 'chat_member', 'my_chat_member'] });
    expect(w.emu.calls('deleteWebhook')[0]?.body).toEqual({ drop_pending_updates: false });
  });

  it('/start creates the account and the direct-message destination, and answers in the chat', async () => {
    w = await botWorld();
    await w.say(42, '/start', { profile: { username: 'ada', firstName: 'Ada' } });
    expect(w.lastText(42)).toMatch(/^Welcome! You are on the Free plan\./);
    const account = await w.commands.accounts.findAccountByIdentity('telegram', '42');
    expect(account?.displayName).toBe('Ada');
    expect(await w.commands.accounts.listDestinations({ accountId: account!.id })).toEqual([
      expect.objectContaining({ kind: 'direct', recipient: { platform: 'telegram', chatId: '42' }, enabled: true }),
    ]);
  });

  it('/plans answers with a Subscribe button per paid plan', async () => {
    w = await botWorld();
    await w.say(42, '/plans');
    const [message] = w.emu.sentMessages(42);
    expect(message?.text).toContain('Pro, $49.00/month');
    expect(message?.reply_markup?.inline_keyboard.flat().map((b) => ('callback_data' in b ? b.callback_data : ''))).toEqual(['sub:pro', 'sub:vip', 'sub:enterprise']);
  });

  it('/settings buttons change the settings, answer the press and redraw the same message', async () => {
    w = await botWorld();
    await w.say(42, '/settings');
    const [keyboard] = w.emu.sentMessages(42);
    w.emu.userPressesButton(42, keyboard!.message_id, 'set:band:A');
    await until(() => (w.emu.sentMessages(42)[0]?.text ?? '').includes('Alerts: band A only'), 'the redrawn settings');
    expect(w.emu.sentMessages(42)).toHaveLength(1);
    expect(w.emu.callbackQueries()[0]?.answer).toBeDefined();
    expect((await w.commands.accounts.findAccountByIdentity('telegram', '42'))?.minBand).toBe('A');
    w.emu.userPressesButton(42, keyboard!.message_id, 'set:dm:off');
    await until(() => (w.emu.sentMessages(42)[0]?.text ?? '').includes('Direct messages: off'), 'the second redraw');
    expect((await w.commands.accounts.findAccountByIdentity('telegram', '42'))?.directMessages).toBe(false);
  });

  it('shows what people type exactly as typed, markup characters included', async () => {
    w = await botWorld();
    await w.say(42, '/settings symbols BTC_USD<&>, <b>ETH</b>');
    expect(w.lastText(42)).toContain('Symbols: BTC_USD<&>, <b>ETH</b>');
    expect(w.emu.sentMessages(42).at(-1)?.entities ?? []).toEqual([]);
    // Escaped, so Telegram took the HTML at the first try: no plain-text resend was needed.
    expect(w.emu.calls('sendMessage').map((c) => (c.body as { parse_mode?: string }).parse_mode)).toEqual(['HTML']);
  });

  it('answers free text in a private chat with a short help, and ignores it in a group', async () => {
    w = await botWorld();
    await w.say(42, 'hello, how do I get the alerts?');
    expect(w.lastText(42)).toBe(FREE_TEXT_HELP);
    expect(w.events.at(-1)).toMatchObject({ type: 'text', isPrivate: true, text: 'hello, how do I get the alerts?' });

    const group = w.emu.createChannel({ title: 'Traders', type: 'supergroup' });
    const invite = await w.bot.api.createChatInviteLink(group.id, {});
    w.emu.userJoinsWithLink(43, invite.invite_link);
    w.emu.userSends(43, 'anyone long BTC?', { chatId: group.id });
    w.emu.userSends(43, '/help', { chatId: group.id });
    // Updates are handled in order: once /help is answered, the text before it was seen and ignored.
    await until(() => w.emu.sentMessages(group.id).length >= 1, 'the answer to /help in the group');
    expect(w.emu.sentMessages(group.id).map((m) => m.text?.split('\n')[0])).toEqual(['What I can do:']);
    expect(w.events.some((e) => e.type === 'text' && !e.isPrivate)).toBe(false);
  });

  it('refuses operator commands to others, and changes nothing', async () => {
    w = await botWorld();
    await w.say(42, '/start', { profile: { username: 'ada' } });
    await w.say(43, '/grant @ada vip 30');
    expect(w.lastText(43)).toBe('Sorry, /grant is not allowed for you.');
    expect(await w.commands.accounts.listSubscriptions((await w.commands.accounts.findAccountByIdentity('telegram', '42'))!.id)).toEqual([]);
    await w.say(OPERATOR, '/grant @ada vip 30');
    expect(w.lastText(OPERATOR)).toMatch(/^Granted VIP to @ada until /);
  });

  it('passes join requests and membership changes on as access events', async () => {
    w = await botWorld();
    const channel = w.emu.createChannel({ title: 'VIP' });
    const requests = await w.bot.api.createChatInviteLink(channel.id, { creates_join_request: true });
    w.emu.userJoinsWithLink(42, requests.invite_link);
    const personal = await w.bot.api.createChatInviteLink(channel.id, { member_limit: 1 });
    w.emu.userJoinsWithLink(43, personal.invite_link);
    await until(() => w.events.length >= 2, 'two access events');
    expect(w.events).toEqual([
      // The link each came with rides along: a personal link admits only the person it was made for.
      { type: 'join_request', actor: expect.objectContaining({ platformUserId: '42' }), resource: { platform: 'telegram', kind: 'chat', id: String(channel.id) }, inviteLink: requests.invite_link },
      { type: 'membership', actor: expect.objectContaining({ platformUserId: '43' }), resource: { platform: 'telegram', kind: 'chat', id: String(channel.id) }, state: 'member', inviteLink: personal.invite_link },
    ]);
  });

  it('stops delivering to a person who blocks the bot at once, and starts again when they unblock it', async () => {
    w = await botWorld();
    await w.say(42, '/start');
    const read = w.commands.db.$client.prepare('SELECT enabled, disabled_reason FROM destinations WHERE recipient_key = ?');
    const destination = () => read.get(recipientKey({ platform: 'telegram', chatId: '42' })) as { enabled: number; disabled_reason: string | null };
    expect(destination()).toEqual({ enabled: 1, disabled_reason: null });
    w.emu.userBlocksBot(42);
    await until(() => destination().enabled === 0, 'the destination disabled');
    expect(destination()).toEqual({ enabled: 0, disabled_reason: 'blocked' });
    w.emu.userUnblocksBot(42);
    await until(() => destination().enabled === 1, 'the destination enabled again');
    expect(w.commands.actions().slice(-2)).toEqual(['destination.disabled', 'destination.enabled']);
  });

  it('sends a reply refused for flooding again after the retry_after, instead of dropping it', async () => {
    w = await botWorld();
    w.emu.userSends(42, '/start');
    w.emu.userSends(42, '/help');
    // Two answers to one chat within a second: the emulator refuses the second with retry_after 1.
    await until(() => w.emu.stats.rateLimited > 0, 'a reply refused for flooding');
    await w.clock.advance(1000);
    await until(() => w.emu.sentMessages(42).length >= 2, 'both answers');
    expect(w.emu.sentMessages(42).map((m) => m.text?.split('\n')[0])).toEqual([expect.stringMatching(/^Welcome!/), 'What I can do:']);
    expect(w.emu.stats.violations).toBe(0);
    expect(w.logger.records.filter((r) => r.msg === 'could not send a reply')).toEqual([]);
  });

  it('logs a failing update without the token and keeps answering', async () => {
    let calls = 0;
    w = await botWorld({
      bot: {
        onEvent: async () => {
          calls += 1;
          if (calls === 1) throw new Error('handler broke');
          return [{ text: 'still here' }];
        },
      },
    });
    w.emu.userSends(42, '/status');
    await w.say(42, '/help');
    expect(w.lastText(42)).toBe('still here');
    const failure = w.logger.records.find((r) => r.msg === 'Telegram update failed');
    expect(failure?.obj).toMatchObject({ error: { kind: 'internal', message: 'Error: handler broke' } });
    expect(JSON.stringify(w.logger.records)).not.toContain(w.emu.token.split(':')[1]);
  });
});

describe('createTelegramBot settings', () => {
  const onEvent = async () => [];

  it('fails to start with a token Telegram refuses, naming TELEGRAM_BOT_TOKEN and never the token', async () => {
    const emu = await startTelegramEmulator();
    const token = '7000000001:AAwrongwrongwrongwrongwrongwrong';
    try {
      const bot = createTelegramBot({ token, apiRoot: emu.apiRoot, logger: silentLogger, onEvent });
      const err = await bot.start().catch((e: unknown) => e as Error);
      expect(err).toMatchObject({
        code: 'config_invalid',
        message: 'TELEGRAM_BOT_TOKEN: Telegram refused the token (401 Unauthorized); copy it again from @BotFather',
        failure: { tokenRefused: true, cause: '401 Unauthorized' },
      });
      expect(JSON.stringify({ m: err?.message, s: err?.stack })).not.toContain('AAwrong');
    } finally {
      await emu.stop();
    }
  });

  it('refuses an unusable token, API root or webhook secret at construction, naming the setting and never the token', () => {
    expect(() => createTelegramBot({ token: 'nope', logger: silentLogger, onEvent })).toThrow(/^TELEGRAM_BOT_TOKEN: expected a token from BotFather/);
    const token = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    expect(() => createTelegramBot({ token, apiRoot: 'ftp://x', logger: silentLogger, onEvent })).toThrow(/TELEGRAM_API_ROOT/);
    expect(() => createTelegramBot({ token, webhook: { publicUrl: 'not a url' }, logger: silentLogger, onEvent })).toThrow(/PUBLIC_URL/);
    expect(() => createTelegramBot({ token, webhook: { publicUrl: 'https://x.example', secret: 'bad secret!' }, logger: silentLogger, onEvent })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
    const bot = createTelegramBot({ token, webhook: { publicUrl: 'https://x.example/' }, logger: silentLogger, onEvent });
    expect(bot.mode).toBe('webhook');
    expect(bot.webhook).toMatchObject({ path: '/webhooks/telegram', url: 'https://x.example/webhooks/telegram', secret: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/) });
  });
});
