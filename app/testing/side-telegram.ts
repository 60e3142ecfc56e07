// Telegram beside another platform in one service, for the outage tests: while that platform is down
// or hanging, Telegram must go on answering.
import { until } from '../../core/testing/until';
import { startTelegramEmulator, type TelegramEmulator } from '../../sandbox/telegram';

/** Telegram's limits are not what these tests are about (the dispatcher would wait out a 429 on the test's clock). */
const WIDE = { limit: 10_000, windowMs: 1000 };

/**
 * The Telegram emulator and the settings that add it to a world's service (with SHUTDOWN_TIMEOUT_MS
 * 3 s); its stop is pushed on `running`.
 */
export async function startSideTelegram(running: (() => Promise<void>)[]): Promise<{ telegram: TelegramEmulator; settings: Record<string, string> }> {
  const telegram = await startTelegramEmulator({ limits: { overall: WIDE, perChat: WIDE, perGroup: WIDE } });
  running.push(() => telegram.stop());
  const settings = {
    SHUTDOWN_TIMEOUT_MS: '3000', TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot,
    TELEGRAM_RATE_OVERALL: '10000/1s', TELEGRAM_RATE_PER_CHAT: '10000/1s', TELEGRAM_RATE_PER_GROUP: '10000/1s',
  };
  return { telegram, settings };
}

/** A newcomer (Bo) sends /start, is greeted, then sends /plans: resolves with Telegram's answer to /plans. */
export async function newcomerAsksPlans(telegram: TelegramEmulator, userId: number): Promise<string> {
  telegram.userSends(userId, '/start', { profile: { firstName: 'Bo', username: 'bo' } });
  await until(() => telegram.sentMessages(userId).length > 0, 'the Telegram greeting');
  telegram.userSends(userId, '/plans');
  const plans = await until(() => telegram.sentMessages(userId).find((m) => m.text?.startsWith('The plans:')), 'the Telegram answer to /plans');
  return plans.text ?? '';
}
