import { afterEach, describe, expect, it } from 'vitest';
import type { TelegramStartError} from '../bots/telegram';
import { createTelegramBot, type TelegramBot } from '../bots/telegram';
import { silentLogger } from '../core/logger';
import { until } from '../core/testing/until';
import { startTelegramEmulator, type TelegramEmulator } from '../sandbox/telegram';
import { recordingLogger } from '../core/testing/logger';
import { createPlatformStarter } from './platform-starter';

const classify = (err: unknown) => {
  const failure = (err as TelegramStartError).failure;
  return { permanent: failure.tokenRefused, cause: failure.cause };
};

describe('starting Telegram without letting its outage block the service', () => {
  const emulators: TelegramEmulator[] = [];
  const bots: TelegramBot[] = [];
  afterEach(async () => {
    for (const b of bots.splice(0)) await b.stop();
    for (const e of emulators.splice(0)) await e.stop();
  });

  it('logs the cause of a refused connection, reports it, and starts the bot once Telegram answers again', async () => {
    const first = await startTelegramEmulator();
    const { apiRoot, token } = first;
    await first.stop();
    const bot = createTelegramBot({ token, apiRoot, logger: silentLogger, onEvent: async () => [], networkRetryWaitsMs: [10], pollingTimeoutSeconds: 1 });
    bots.push(bot);
    const logger = recordingLogger();
    const starter = createPlatformStarter({ name: 'telegram', attempt: (signal) => bot.start(signal), classify, logger, backoffMs: [50] });
    await starter.start();
    expect(starter.status()).toBe('unreachable: connection refused (ECONNREFUSED)');
    expect(logger.records.find((r) => r.level === 'error')).toMatchObject({ msg: expect.stringMatching(/^telegram could not be started: connection refused \(ECONNREFUSED\); trying again/) });

    const again = await startTelegramEmulator({ token, port: Number(new URL(apiRoot).port) });
    emulators.push(again);
    await until(() => starter.status() === 'ok', 'the bot started in the background');
    expect(again.calls('getMe')).toHaveLength(1);
    expect(logger.records.some((r) => r.msg === 'telegram is reachable again: started')).toBe(true);
    await starter.stop();
  });

  it('fails the start at once when the token is refused, without retrying', async () => {
    const emu = await startTelegramEmulator();
    emulators.push(emu);
    const bot = createTelegramBot({ token: '7000000001:AAwrongwrongwrongwrongwrongwrong', apiRoot: emu.apiRoot, logger: silentLogger, onEvent: async () => [] });
    const starter = createPlatformStarter({ name: 'telegram', attempt: (signal) => bot.start(signal), classify, logger: silentLogger, backoffMs: [10] });
    await expect(starter.start()).rejects.toThrow('TELEGRAM_BOT_TOKEN: Telegram refused the token (401 Unauthorized)');
    expect(starter.status()).toBe('failed: 401 Unauthorized');
    await new Promise((r) => setTimeout(r, 50));
    expect(emu.calls('getMe')).toHaveLength(1);
  });

  it('gives up on an attempt Telegram never answers after the call timeout, and says so', async () => {
    const emu = await startTelegramEmulator();
    emulators.push(emu);
    emu.failNext({ kind: 'hang' }, { method: 'getMe' });
    const bot = createTelegramBot({ token: emu.token, apiRoot: emu.apiRoot, logger: silentLogger, onEvent: async () => [], callTimeoutMs: 200 });
    bots.push(bot);
    const logger = recordingLogger();
    const starter = createPlatformStarter({ name: 'telegram', attempt: (signal) => bot.start(signal), classify, logger, backoffMs: [20] });
    await starter.start();
    expect(starter.status()).toBe('unreachable: timed out');
    expect(logger.records.find((r) => r.level === 'error')?.msg).toMatch(/^telegram could not be started: timed out/);
    await until(() => starter.status() === 'ok', 'the next attempt, answered');
    await starter.stop();
  });

  it('stops at once while Telegram hangs on an attempt', async () => {
    const emu = await startTelegramEmulator();
    emulators.push(emu);
    emu.failNext({ kind: 'hang' }, { method: 'getMe' });
    const bot = createTelegramBot({ token: emu.token, apiRoot: emu.apiRoot, logger: silentLogger, onEvent: async () => [], callTimeoutMs: 60_000 });
    const starter = createPlatformStarter({ name: 'telegram', attempt: (signal) => bot.start(signal), classify, logger: silentLogger });
    const starting = starter.start();
    await until(() => emu.calls('getMe').length === 1, 'the hanging getMe');
    await starter.stop();
    await starting;
    expect(starter.status()).toBe('stopped');
  });
});
