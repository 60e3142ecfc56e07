// Drives the real grammy client against the emulator: if grammy can tell them apart, this fails.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Bot, GrammyError, InlineKeyboard, InputFile, webhookCallback, type PollingOptions } from 'grammy';
import type { ChatMemberUpdated } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { startTelegramEmulator, type TelegramEmulator } from './emulator';
import { loadBotApiSpec, SpecValidator } from './spec-validator';
import { tinyPng, until } from './test-client';

describe('Telegram emulator: driven by real grammy', () => {
  let emu: TelegramEmulator;
  let clock: FakeClock;
  let bot: Bot;
  let running: Promise<void> | undefined;
  let server: Server | undefined;

  async function setup(): Promise<void> {
    clock = new FakeClock();
    emu = await startTelegramEmulator({ clock, botUsername: 'signalcast_test_bot' });
    bot = new Bot(emu.token, { client: { apiRoot: emu.apiRoot } });
  }

  /** Long polling, as bot.start does it; resolves once polling is under way. */
  async function startPolling(allowed_updates?: PollingOptions['allowed_updates']): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      running = bot.start({ timeout: 1, ...(allowed_updates ? { allowed_updates } : {}), onStart: () => resolve() }).catch(reject);
    });
  }

  afterEach(async () => {
    if (bot.isRunning()) await bot.stop();
    await running;
    running = undefined;
    if (server) await new Promise((resolve) => server?.close(resolve));
    server = undefined;
    await emu.stop();
  });

  it('initialises with getMe', async () => {
    await setup();
    await bot.init();
    expect(bot.botInfo).toMatchObject({ id: emu.botId, is_bot: true, username: 'signalcast_test_bot' });
  });

  it('answers /start with its payload over long polling, then stops cleanly', async () => {
    await setup();
    bot.command('start', (ctx) => ctx.reply(`Welcome, ${ctx.from?.first_name}. Payload: ${ctx.match}`));
    await startPolling();
    emu.userSends(42, '/start ref_abc', { profile: { firstName: 'Ada' } });
    await until(() => emu.sentMessages(42).length === 1, 'the reply');
    expect(emu.sentMessages(42)[0]?.text).toBe('Welcome, Ada. Payload: ref_abc');
    await bot.stop();
    // grammy confirmed the update on stop: nothing is left for the next start.
    expect(emu.pendingUpdates).toEqual([]);
  });

  it('routes an inline keyboard press to its callback handler', async () => {
    await setup();
    bot.command('settings', (ctx) => ctx.reply('Minimum band?', { reply_markup: new InlineKeyboard().text('Band A', 'band:A').text('Band B', 'band:B') }));
    bot.callbackQuery(/^band:(.)$/, async (ctx) => {
      await ctx.answerCallbackQuery({ text: `Band ${ctx.match[1]} saved` });
      await ctx.editMessageText(`Minimum band: ${ctx.match[1]}`);
    });
    await startPolling();
    emu.userSends(42, '/settings');
    await until(() => emu.sentMessages(42).length === 1, 'the keyboard');
    const keyboard = emu.sentMessages(42)[0];
    emu.userPressesButton(42, keyboard?.message_id ?? 0, 'band:B');
    await until(() => emu.sentMessages(42)[0]?.text === 'Minimum band: B', 'the edit');
    expect(emu.callbackQueries()[0]?.answer).toEqual({ text: 'Band B saved', showAlert: false });
  });

  it('uploads a photo from a buffer with InputFile', async () => {
    await setup();
    emu.userSends(42, 'hi');
    const sent = await bot.api.sendPhoto(42, new InputFile(tinyPng(640, 480), 'chart.png'), { caption: '<b>Daily</b>', parse_mode: 'HTML' });
    expect(sent.photo.at(-1)).toMatchObject({ width: 640, height: 480 });
    expect(sent.caption).toBe('Daily');
    expect(emu.calls('sendPhoto')[0]?.headers['content-type']).toMatch(/^multipart\/form-data/);
  });

  it('throws GrammyError 429 with parameters.retry_after, from the limits and from an injected fault', async () => {
    await setup();
    emu.userSends(42, 'hi');
    await bot.api.sendMessage(42, 'one');
    const limited = await bot.api.sendMessage(42, 'two').catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(GrammyError);
    expect(limited).toMatchObject({ error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 }, method: 'sendMessage' });
    await clock.advance(1000);
    emu.failNext({ kind: 'rate_limit', retryAfterSeconds: 12 }, { method: 'sendMessage' });
    await expect(bot.api.sendMessage(42, 'three')).rejects.toMatchObject({ error_code: 429, parameters: { retry_after: 12 } });
  });

  it('throws 403 for a user who blocked the bot and 400 for a chat that does not exist', async () => {
    await setup();
    emu.userSends(42, 'hi');
    emu.userBlocksBot(42);
    await expect(bot.api.sendMessage(42, 'x')).rejects.toMatchObject({ error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    await expect(bot.api.sendMessage(-100123, 'x')).rejects.toMatchObject({ error_code: 400, description: 'Bad Request: chat not found' });
  });

  it("throws can't parse entities for broken HTML", async () => {
    await setup();
    emu.userSends(42, 'hi');
    const error = await bot.api.sendMessage(42, 'AT&T <b>up', { parse_mode: 'HTML' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammyError);
    expect((error as GrammyError).description).toMatch(/^Bad Request: can't parse entities: /);
  });

  it('enforces invite links, bans and unbans, and reports members through chat_member updates', async () => {
    await setup();
    const channel = emu.createChannel({ title: 'Pro signals' });
    const changes: ChatMemberUpdated[] = [];
    bot.on('chat_member', (ctx) => {
      changes.push(ctx.chatMember);
    });
    await startPolling(['message', 'chat_member', 'chat_join_request', 'my_chat_member']);

    const link = await bot.api.createChatInviteLink(channel.id, { member_limit: 1, expire_date: Math.floor(clock.now() / 1000) + 86_400 });
    expect(emu.userJoinsWithLink(5, link.invite_link)).toBe('joined');
    expect(emu.userJoinsWithLink(6, link.invite_link)).toBe('limit_reached');
    await bot.api.banChatMember(channel.id, 5);
    expect(emu.userJoinsWithLink(5, link.invite_link)).toBe('banned');
    await bot.api.unbanChatMember(channel.id, 5, { only_if_banned: true });
    expect((await bot.api.getChatMember(channel.id, 5)).status).toBe('left');
    expect(emu.userJoinsWithLink(5, link.invite_link)).toBe('joined');
    await bot.api.revokeChatInviteLink(channel.id, link.invite_link);
    await bot.api.banChatMember(channel.id, 5);
    await bot.api.unbanChatMember(channel.id, 5);
    expect(emu.userJoinsWithLink(5, link.invite_link)).toBe('revoked');
    await expect(bot.api.createChatInviteLink(channel.id, { member_limit: 1, creates_join_request: true })).rejects.toMatchObject({ error_code: 400 });

    await until(() => changes.length >= 6, 'six chat_member updates');
    expect(changes.map((c) => `${c.old_chat_member.status}->${c.new_chat_member.status}`)).toEqual([
      'left->member', 'member->kicked', 'kicked->left', 'left->member', 'member->kicked', 'kicked->left',
    ]);
    expect(changes[0]?.invite_link?.invite_link).toBe(link.invite_link);
  });

  it('delivers to a grammy webhook that checks the secret token', async () => {
    await setup();
    bot.command('status', (ctx) => ctx.reply('All good'));
    await bot.init();
    server = createServer(webhookCallback(bot, 'http', { secretToken: 'hook_secret' }));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    await bot.api.setWebhook(url, { secret_token: 'hook_secret' });
    emu.userSends(42, '/status');
    await emu.webhookSettled();
    await until(() => emu.sentMessages(42).length === 1, 'the reply');
    expect(emu.webhookAttempts).toEqual([{ updateId: expect.any(Number), status: 200 }]);
    await bot.api.setWebhook(url, { secret_token: 'wrong_secret' });
    emu.userSends(42, '/status');
    await emu.webhookSettled();
    expect(emu.webhookAttempts.at(-1)?.status).toBe(401);
    expect(emu.sentMessages(42)).toHaveLength(1);
    await bot.api.deleteWebhook({ drop_pending_updates: true });
  });

  it('sends only parameters the Bot API spec knows, of the right types', async () => {
    await setup();
    const validator = new SpecValidator(loadBotApiSpec());
    emu.userSends(42, 'hi');
    await bot.init();
    await bot.api.setMyCommands([{ command: 'start', description: 'Start' }]);
    await bot.api.sendMessage(42, '<b>x</b>', { parse_mode: 'HTML', reply_markup: new InlineKeyboard().url('Pay', 'https://pay.example/1'), link_preview_options: { is_disabled: true } });
    const channel = emu.createChannel({ title: 'VIP' });
    await bot.api.createChatInviteLink(channel.id, { member_limit: 1 });
    const problems = emu.requests
      .filter((r) => r.body && typeof r.body === 'object' && !(r.body instanceof URLSearchParams))
      .flatMap((r) => validator.checkParams(r.path.split('/').pop() ?? '', r.body as Record<string, unknown>));
    expect(problems).toEqual([]);
    expect(emu.requests.length).toBeGreaterThanOrEqual(4);
  });
});
