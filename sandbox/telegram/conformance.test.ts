// Walks a scripted session through every method the emulator answers and checks every object it
// returned (results, updates, webhook bodies, errors) against the Bot API spec.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatInviteLink, Message, Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { startTelegramEmulator, type TelegramEmulator } from './emulator';
import { telegramMethodNames } from './methods';
import { loadBotApiSpec, SpecValidator } from './spec-validator';
import { rawClient, tinyPng, type RawAnswer } from './test-client';

interface Seen {
  method: string;
  answer: RawAnswer;
}

describe('Telegram emulator: conformance to the Bot API spec', () => {
  const validator = new SpecValidator(loadBotApiSpec());
  const seen: Seen[] = [];
  const webhookBodies: unknown[] = [];
  let emu: TelegramEmulator;
  let closeHook: () => Promise<void>;

  beforeAll(async () => {
    const clock = new FakeClock();
    emu = await startTelegramEmulator({ clock });
    const raw = rawClient(emu);
    const call = async <T>(method: string, params?: Record<string, unknown> | FormData): Promise<T> => {
      const answer = await raw<T>(method, params);
      seen.push({ method, answer });
      return answer.body.result as T;
    };
    const hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        webhookBodies.push(JSON.parse(Buffer.concat(chunks).toString()));
        res.end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    closeHook = () => new Promise((resolve) => hook.close(() => resolve()));
    const next = async (): Promise<void> => clock.advance(1100);

    await call('getMe');
    await call('setMyCommands', { commands: [{ command: 'start', description: 'Start' }, { command: 'plans', description: 'Plans' }] });
    await call('setMyCommands', { commands: [{ command: 'stats', description: 'Stats' }], scope: { type: 'chat', chat_id: 42 }, language_code: 'en' });
    await call('getMyCommands');
    await call('deleteMyCommands', { scope: { type: 'chat', chat_id: 42 }, language_code: 'en' });
    await call('getUpdates', { allowed_updates: ['message', 'callback_query', 'chat_member', 'chat_join_request', 'my_chat_member'] });

    const channel = emu.createChannel({ title: 'Pro' });
    const group = emu.createChannel({ title: 'Lounge', type: 'supergroup', private: false });
    emu.userSends(42, '/start ref_abc', { profile: { firstName: 'Ada', lastName: 'L', username: 'ada', languageCode: 'en' } });
    const dm = await call<Message>('sendMessage', {
      chat_id: 42,
      text: '<b>BTC</b> <i>long</i> <a href="https://example.com">chart</a> <code>0.8</code> <pre><code class="language-txt">x</code></pre> <tg-spoiler>s</tg-spoiler> <blockquote>q</blockquote>',
      parse_mode: 'HTML',
      reply_markup: { inline_keyboard: [[{ text: 'Pay', url: 'https://checkout.example/cs_1' }, { text: 'Why?', callback_data: 'why:1' }]] },
      link_preview_options: { is_disabled: true },
      allow_paid_broadcast: true,
    });
    emu.userPressesButton(42, dm.message_id, 'why:1');
    await call('answerCallbackQuery', { callback_query_id: emu.callbackQueries()[0]?.id, text: 'Rationale follows' });
    await next();
    await call('editMessageText', { chat_id: 42, message_id: dm.message_id, text: 'BTC long, <b>edited</b>', parse_mode: 'HTML' });
    await call('sendMessage', { chat_id: 42, text: 'reply', reply_parameters: { message_id: dm.message_id } });
    await next();
    const form = new FormData();
    form.set('chat_id', '42');
    form.set('caption', '<b>Snapshot</b>');
    form.set('parse_mode', 'HTML');
    form.set('photo', new Blob([tinyPng(400, 300)]), 'chart.png');
    await call('sendPhoto', form);
    const post = await call<Message>('sendMessage', { chat_id: channel.id, text: 'channel post' });
    await call('sendMessage', { chat_id: `@${group.username}`, text: 'group post' });
    await next();
    await call('forwardMessage', { chat_id: 42, from_chat_id: channel.id, message_id: post.message_id });
    await next();
    await call('copyMessage', { chat_id: 42, from_chat_id: channel.id, message_id: post.message_id });
    await next();

    const personal = await call<ChatInviteLink>('createChatInviteLink', { chat_id: channel.id, name: 'for 5', member_limit: 1, expire_date: Math.floor(clock.now() / 1000) + 3600 });
    const gated = await call<ChatInviteLink>('createChatInviteLink', { chat_id: channel.id, creates_join_request: true });
    emu.userJoinsWithLink(5, personal.invite_link);
    emu.userJoinsWithLink(6, gated.invite_link);
    emu.userJoinsWithLink(7, gated.invite_link);
    await call('approveChatJoinRequest', { chat_id: channel.id, user_id: 6 });
    await call('declineChatJoinRequest', { chat_id: channel.id, user_id: 7 });
    await call('banChatMember', { chat_id: channel.id, user_id: 5 });
    for (const user_id of [1, emu.botId, 6, 5, 7]) await call('getChatMember', { chat_id: channel.id, user_id });
    await call('getChatMember', { chat_id: 42, user_id: 42 });
    await call('unbanChatMember', { chat_id: channel.id, user_id: 5, only_if_banned: true });
    await call('revokeChatInviteLink', { chat_id: channel.id, invite_link: personal.invite_link });
    emu.userLeaves(6, channel.id);
    emu.userBlocksBot(42);
    await call('getChat', { chat_id: channel.id });
    await call('getChat', { chat_id: group.id });
    await call('getChatMemberCount', { chat_id: channel.id });
    emu.userJoinsWithLink(8, (await call<ChatInviteLink>('createChatInviteLink', { chat_id: group.id })).invite_link);
    await call('leaveChat', { chat_id: group.id });
    const all = await call<Update[]>('getUpdates', { limit: 100 });
    await call('getUpdates', { offset: (all.at(-1)?.update_id ?? 0) + 1 });

    // Errors, in their own shape.
    await call('sendMessage', { chat_id: 42, text: 'blocked' });
    await call('sendMessage', { chat_id: 999, text: 'nobody' });
    emu.userUnblocksBot(42);
    await call('sendMessage', { chat_id: 42, text: '<b>bad', parse_mode: 'HTML' });
    await next();
    await call('sendMessage', { chat_id: 42, text: 'one' });
    await call('sendMessage', { chat_id: 42, text: 'two' });
    await call('getChat', { chat_id: 42 });
    await next();
    const paidPost = await call<Message>('sendMessage', { chat_id: channel.id, text: 'VIP alert', protect_content: true });
    await call('forwardMessage', { chat_id: 42, from_chat_id: channel.id, message_id: paidPost.message_id });

    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    await call('setWebhook', { url: hookUrl, secret_token: 'abc' });
    emu.userSends(42, '/status');
    await emu.webhookSettled();
    await call('getWebhookInfo');
    await call('deleteWebhook');
    await call('getWebhookInfo');
  });

  afterAll(async () => {
    await emu.stop();
    await closeHook();
  });

  it('returns only results that match the spec', () => {
    const problems = seen.filter((s) => s.answer.body.ok).flatMap((s) => validator.checkResult(s.method, s.answer.body.result));
    expect(problems).toEqual([]);
  });

  it('answers errors in Telegram shape: error_code equal to the HTTP status, a description, parameters when any', () => {
    const errors = seen.filter((s) => !s.answer.body.ok);
    expect(errors.map((e) => e.answer.status)).toEqual([403, 400, 400, 429, 400]);
    for (const { answer } of errors) {
      const { ok: okFlag, error_code, description, parameters, ...rest } = answer.body;
      expect(rest).toEqual({});
      expect(okFlag).toBe(false);
      expect(error_code).toBe(answer.status);
      expect(typeof description).toBe('string');
      if (parameters !== undefined) expect(validator.check('ResponseParameters', parameters)).toEqual([]);
    }
  });

  it('delivers webhook bodies that are Update objects', () => {
    // The unblock's my_chat_member was still pending when the webhook was set, then the command.
    expect(webhookBodies.map((b) => Object.keys(b as object)[1])).toEqual(['my_chat_member', 'message']);
    expect(webhookBodies.flatMap((body) => validator.check('Update', body))).toEqual([]);
  });

  it('covered every method it answers and every kind of update and member', () => {
    const succeeded = new Set(seen.filter((s) => s.answer.body.ok).map((s) => s.method));
    expect(telegramMethodNames.filter((m) => !succeeded.has(m))).toEqual([]);
    const updates = seen.filter((s) => s.method === 'getUpdates').flatMap((s) => (s.answer.body.result as Update[]) ?? []);
    const kinds = new Set(updates.map((u) => Object.keys(u).find((k) => k !== 'update_id')));
    expect([...kinds].sort()).toEqual(['callback_query', 'chat_join_request', 'chat_member', 'message', 'my_chat_member']);
    for (const type of ['MessageOriginChannel', 'MessageId', 'ChatMemberOwner', 'ChatMemberAdministrator', 'ChatMemberMember', 'ChatMemberLeft', 'ChatMemberBanned', 'ChatInviteLink', 'ChatFullInfo', 'WebhookInfo', 'PhotoSize', 'MessageEntity', 'InlineKeyboardMarkup', 'LinkPreviewOptions', 'CallbackQuery', 'ChatJoinRequest', 'ChatMemberUpdated', 'BotCommand']) {
      expect(validator.seen.has(type), type).toBe(true);
    }
  });
});
