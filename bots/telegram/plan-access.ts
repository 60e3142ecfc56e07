// How a plan's access entry for Telegram reads: `{ telegram: { chat: "-1001234567890" } }`, a private channel or group the bot administers.
import type { AccessResource } from '../../core/access/ports';
import { READ_THIS_RELEASE_ONLY, type DeprecatedPlanField } from '../../core/plans';
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

/** An id as the new form writes it: quoted, a YAML number turned into its digits. */
function quoted(value: unknown): string {
  return JSON.stringify(typeof value === 'number' ? String(value) : value);
}

/**
 * `telegramChatIds`, the field before the access list: each id becomes `{ telegram: { chat } }`,
 * checked by the Telegram spec, with a warning showing the new form; ignored (a warning) without the spec.
 */
export const TELEGRAM_CHAT_IDS: DeprecatedPlanField = {
  name: 'telegramChatIds',
  read(value, spec, notes) {
    const field = TELEGRAM_CHAT_IDS.name;
    if (!Array.isArray(value)) {
      notes.errors.push({ field, message: 'expected a list of chat ids (and this field is deprecated: write access: [{ telegram: { chat: "-1001234567890" } }])' });
      return [];
    }
    if (value.length === 0) {
      notes.warnings.push({ field, message: `deprecated and empty (${READ_THIS_RELEASE_ONLY}): delete it` });
      return [];
    }
    const form = `access: [${value.map((chat) => `{ telegram: { chat: ${quoted(chat)} } }`).join(', ')}]`;
    if (!spec) {
      notes.warnings.push({ field, message: `ignored: this build has no Telegram adapter (the new form is ${form})` });
      return [];
    }
    const good: unknown[] = [];
    value.forEach((chat: unknown, i) => {
      const read = spec.parse({ chat });
      if (read.ok) good.push({ telegram: { chat } });
      else notes.errors.push({ field: `${field}[${i}]`, message: read.error.replace(/^chat: /, '') });
    });
    notes.warnings.push({ field, message: `deprecated (${READ_THIS_RELEASE_ONLY}): write ${form} instead` });
    return good;
  },
};
