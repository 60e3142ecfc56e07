// How a plan's access entry for Telegram reads: `{ telegram: { chat: "-1001234567890" } }`, a private channel or group the bot administers.
import type { AccessResource } from '../../core/access/ports';
import type { AccessSpec } from '../../core/platform/adapter';

const CHAT_ID = /^-?\d+$|^@\w+$/;
const CHAT_HELP = 'expected a chat id such as "-1001234567890" or "@channelname"';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Telegram chat ids fit in a double, so a bare YAML number is accepted and turned into a string;
 * a public chat may be named by its "@username".
 */
function chatId(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return CHAT_ID.test(trimmed) ? trimmed : undefined;
}

/** Telegram's access entries: `chat` (required), nothing else. */
export const telegramAccess: AccessSpec = {
  example: '{ telegram: { chat: "-1001234567890" } }',
  parse(settings) {
    if (!isRecord(settings)) return { ok: false, error: 'expected { chat: "-1001234567890" }' };
    const unknown = Object.keys(settings).filter((k) => k !== 'chat');
    if (unknown.length > 0) return { ok: false, error: `${unknown.join(', ')}: unknown field (a Telegram entry has only "chat")` };
    if (settings.chat === undefined) return { ok: false, error: `chat: required: ${CHAT_HELP.replace('expected ', '')}` };
    const id = chatId(settings.chat);
    if (id === undefined) return { ok: false, error: `chat: ${CHAT_HELP}` };
    const resource: AccessResource = { platform: 'telegram', kind: 'chat', id };
    return { ok: true, resource };
  },
};

/** The sandbox's demo channel: a private channel of the Telegram emulator the built-in VIP plan gates in sandbox mode. */
export const TELEGRAM_DEMO_CHANNEL: AccessResource = { platform: 'telegram', kind: 'chat', id: '-1001000000001' };
