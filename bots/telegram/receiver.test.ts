import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../sandbox/telegram/test-client';
import { botWorld, type BotWorld } from './bot.fixtures';
import { fastifyRegistrar } from '../../server/adapter-routes';
import { telegramWebhookRoute, TELEGRAM_WEBHOOK_PATH } from './receiver';

const SECRET = 'hook_Secret-123';

/** A server that keeps JSON bodies as raw bytes, as main's server does. */
function rawBodyServer(): FastifyInstance {
  const app = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  return app;
}

describe('Telegram webhook mode', () => {
  let w: BotWorld | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await w?.stop();
    await app?.close();
    w = undefined;
    app = undefined;
  });

  async function start(): Promise<{ w: BotWorld; app: FastifyInstance }> {
    app = rawBodyServer();
    // The route is registered before listening (fastify's rule); the bot, which needs the port, comes after.
    const late: { world?: BotWorld } = {};
    fastifyRegistrar(app).add(telegramWebhookRoute({
      get ready() {
        return late.world?.bot.ready ?? false;
      },
      handleUpdate: async (u) => late.world?.bot.handleUpdate(u),
    }, SECRET));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address() as { port: number };
    const world = await botWorld({ bot: { webhook: { publicUrl: `http://127.0.0.1:${address.port}`, secret: SECRET } }, start: false });
    late.world = world;
    w = world;
    return { w: world, app };
  }

  const update = (text: string) => JSON.stringify({
    update_id: 77,
    message: { message_id: 1, date: 0, chat: { id: 42, type: 'private', first_name: 'A' }, from: { id: 42, is_bot: false, first_name: 'A' }, text, entities: [{ type: 'bot_command', offset: 0, length: text.length }] },
  });

  it('sets the webhook with the secret token at start, and answers what Telegram delivers', async () => {
    const { w } = await start();
    await w.bot.start();
    expect(w.emu.calls('setWebhook')[0]?.body).toMatchObject({
      url: `${app!.listeningOrigin}${TELEGRAM_WEBHOOK_PATH}`, secret_token: SECRET, drop_pending_updates: false,
      allowed_updates: ['message', 'callback_query', 'chat_join_request', 'chat_member', 'my_chat_member'],
    });
    expect(w.emu.calls('getUpdates')).toEqual([]);
    w.emu.userSends(42, '/help');
    await w.emu.webhookSettled();
    await until(() => w.emu.sentMessages(42).length === 1, 'the answer');
    expect(w.lastText(42)).toMatch(/^What I can do:/);
    expect(w.emu.webhookAttempts).toEqual([{ updateId: expect.any(Number), status: 200 }]);
  });

  it('answers 401 to a wrong or missing secret and handles nothing', async () => {
    const { w, app } = await start();
    await w.bot.start();
    for (const headers of [{ 'x-telegram-bot-api-secret-token': 'wrong' }, {}]) {
      const res = await app.inject({ method: 'POST', url: TELEGRAM_WEBHOOK_PATH, headers: { 'content-type': 'application/json', ...headers }, payload: update('/start') });
      expect(res.statusCode).toBe(401);
    }
    expect(w.events).toEqual([]);
    expect(await w.commands.accounts.findIdentity('telegram', '42')).toBeNull();
  });

  it('answers 503 before the bot has started, and 400 to a body that is not an update', async () => {
    const { w, app } = await start();
    const headers = { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET };
    expect((await app.inject({ method: 'POST', url: TELEGRAM_WEBHOOK_PATH, headers, payload: update('/start') })).statusCode).toBe(503);
    await w.bot.start();
    expect((await app.inject({ method: 'POST', url: TELEGRAM_WEBHOOK_PATH, headers, payload: '{"hello":1}' })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: TELEGRAM_WEBHOOK_PATH, headers, payload: 'not json' })).statusCode).toBe(400);
    w.emu.addUser(42, { startedBot: true });
    const ok = await app.inject({ method: 'POST', url: TELEGRAM_WEBHOOK_PATH, headers, payload: update('/start') });
    expect(ok.statusCode).toBe(200);
    expect(await w.commands.accounts.findIdentity('telegram', '42')).not.toBeNull();
  });
});

describe('Telegram long polling', () => {
  let w: BotWorld | undefined;
  afterEach(async () => {
    await w?.stop();
    w = undefined;
  });

  it('says why updates stopped when Telegram ends the long poll (another instance polls: 409)', async () => {
    w = await botWorld();
    expect(w.bot.receiveFailure).toBeUndefined();
    w.emu.failNext({ kind: 'platform_error', status: 409, description: 'Conflict: terminated by other getUpdates request' }, { method: 'getUpdates' });
    w.emu.userSends(42, '/help');
    await until(() => w!.bot.receiveFailure !== undefined, 'the long poll to end');
    expect(w.bot.receiveFailure).toBe('long polling stopped: getUpdates: Conflict: terminated by other getUpdates request');
    expect(w.logger.records.find((r) => r.msg === 'Telegram long polling stopped')?.level).toBe('error');
  });
});
