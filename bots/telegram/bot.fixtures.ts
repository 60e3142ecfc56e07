// Test fixtures for the Telegram bot: the emulator on a fake clock, real grammy, and the real command handlers on SQLite.
import { FakeClock } from '../../core/clock';
import type { InboundEvent } from '../../core/inbound/types';
import { startTelegramEmulator, type TelegramEmulator } from '../../sandbox/telegram';
import { until } from '../../sandbox/telegram/test-client';
import { recordingLogger } from '../../core/testing/logger';
import { commandWorld, type CommandWorld } from '../commands/commands.fixtures';
import type { CommandDeps } from '../commands/deps';
import { handleEvent } from '../commands/router';
import { createTelegramBot, type TelegramBot, type TelegramBotOptions } from './index';

export const OPERATOR = 900;

export interface BotWorld {
  emu: TelegramEmulator;
  clock: FakeClock;
  commands: CommandWorld;
  bot: TelegramBot;
  events: InboundEvent[];
  logger: ReturnType<typeof recordingLogger>;
  /** A user writes `text` to the bot and the bot has answered with `replies` more messages in that chat. */
  say(userId: number, text: string, options?: { profile?: { username?: string; firstName?: string }; replies?: number }): Promise<void>;
  /** The text of the last message the bot sent to a chat. */
  lastText(chatId: number): string;
  stop(): Promise<void>;
}

/** An emulator and a bot with the real command handlers; `start: false` leaves starting to the test. */
export async function botWorld(options: { deps?: Partial<CommandDeps>; bot?: Partial<TelegramBotOptions>; start?: boolean } = {}): Promise<BotWorld> {
  const clock = new FakeClock();
  const emu = await startTelegramEmulator({ clock, botUsername: 'signalcast_test_bot' });
  const logger = recordingLogger();
  const events: InboundEvent[] = [];
  // The command handlers need the bot's deep links, and the bot needs the handlers.
  const late: { bot?: TelegramBot } = {};
  const commands = commandWorld({
    operatorIds: { telegram: [String(OPERATOR)] },
    deepLinks: { telegram: (payload) => late.bot?.deepLink(payload) ?? '' },
    ...options.deps,
  });
  const bot = createTelegramBot({
    token: emu.token,
    apiRoot: emu.apiRoot,
    operatorIds: [String(OPERATOR)],
    logger,
    pollingTimeoutSeconds: 5,
    onEvent: async (event) => {
      events.push(event);
      return handleEvent(event, commands.deps);
    },
    ...options.bot,
  });
  late.bot = bot;
  if (options.start ?? true) await bot.start();
  return {
    emu, clock, commands, bot, events, logger,
    async say(userId, text, { profile, replies = 1 } = {}) {
      const before = emu.sentMessages(userId).length;
      emu.userSends(userId, text, profile ? { profile } : {});
      await until(() => emu.sentMessages(userId).length >= before + replies, `the answer to ${text}`);
    },
    lastText: (chatId) => emu.sentMessages(chatId).at(-1)?.text ?? '',
    async stop() {
      await bot.stop();
      await emu.stop();
    },
  };
}
