import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logger';
import { startTelegramEmulator, type TelegramEmulator } from '../../sandbox/telegram';
import { createTelegramBot, TelegramStartError } from './index';

const onEvent = async () => [];

/** An emulator that is then stopped: its port refuses connections until `revive()` starts a new one there. */
async function deadTelegram(): Promise<{ apiRoot: string; token: string; revive(): Promise<TelegramEmulator> }> {
  const first = await startTelegramEmulator();
  const { apiRoot, token } = { apiRoot: first.apiRoot, token: first.token };
  await first.stop();
  return { apiRoot, token, revive: () => startTelegramEmulator({ token, port: Number(new URL(apiRoot).port) }) };
}

describe('the bot\'s own API calls when Telegram is unreachable', () => {
  const emulators: TelegramEmulator[] = [];
  afterEach(async () => {
    for (const e of emulators.splice(0)) await e.stop();
  });

  it('tries a refused call again a bounded number of times, and it goes through once Telegram answers', async () => {
    const dead = await deadTelegram();
    const bot = createTelegramBot({ token: dead.token, apiRoot: dead.apiRoot, logger: silentLogger, onEvent, networkRetryWaitsMs: [300, 300, 300] });
    const call = bot.api.getMe();
    await new Promise((r) => setTimeout(r, 50));
    const emu = await dead.revive();
    emulators.push(emu);
    expect(await call).toMatchObject({ is_bot: true });
    expect(emu.calls('getMe')).toHaveLength(1);
  });

  it('gives up after its retries, and the start names the cause (connection refused), not a token problem', async () => {
    const dead = await deadTelegram();
    const bot = createTelegramBot({ token: dead.token, apiRoot: dead.apiRoot, logger: silentLogger, onEvent, networkRetryWaitsMs: [10, 10] });
    const err = await bot.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TelegramStartError);
    expect(err).toMatchObject({ code: 'internal', message: 'Telegram could not be reached: connection refused (ECONNREFUSED)', failure: { tokenRefused: false } });
    expect(String((err as Error).message)).not.toContain(dead.token.split(':')[1]);
  });

  it('ends a call Telegram never answers after the call timeout, and does not send it again', async () => {
    const emu = await startTelegramEmulator();
    emulators.push(emu);
    emu.failNext({ kind: 'hang' }, { method: 'sendMessage' });
    emu.addUser(42, { startedBot: true });
    const bot = createTelegramBot({ token: emu.token, apiRoot: emu.apiRoot, logger: silentLogger, onEvent, callTimeoutMs: 200 });
    const err = await bot.api.sendMessage(42, 'hello').catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'HttpError' });
    expect(emu.calls('sendMessage')).toHaveLength(1);
    expect(emu.sentMessages(42)).toEqual([]);
  });

  it('abandons a start that hangs when its signal is aborted', async () => {
    const emu = await startTelegramEmulator();
    emulators.push(emu);
    emu.failNext({ kind: 'hang' }, { method: 'getMe' });
    const bot = createTelegramBot({ token: emu.token, apiRoot: emu.apiRoot, logger: silentLogger, onEvent });
    const controller = new AbortController();
    const started = bot.start(controller.signal).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    expect(await started).toMatchObject({ failure: { tokenRefused: false, cause: 'timed out' } });
  });
});
