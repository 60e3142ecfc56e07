import { describe, expect, it } from 'vitest';
import type { PlanFieldNotes } from '../../core/plans';
import { TELEGRAM_CHAT_IDS, telegramAccess } from './plan-access';

describe('Telegram access entries in plans', () => {
  it('gates a private chat named by its id, written as a string or a number, or a public one by its @name', () => {
    expect(telegramAccess.parse({ chat: '-1001234567890' })).toEqual({ ok: true, resource: { platform: 'telegram', kind: 'chat', id: '-1001234567890' } });
    expect(telegramAccess.parse({ chat: -1001234567890 })).toEqual({ ok: true, resource: { platform: 'telegram', kind: 'chat', id: '-1001234567890' } });
    expect(telegramAccess.parse({ chat: ' @vipchannel ' })).toEqual({ ok: true, resource: { platform: 'telegram', kind: 'chat', id: '@vipchannel' } });
  });

  it('names the field of a bad chat id, a missing one, and any other field', () => {
    expect(telegramAccess.parse({ chat: 'vip channel' })).toEqual({ ok: false, error: 'chat: expected a chat id such as "-1001234567890" or "@channelname"' });
    expect(telegramAccess.parse({ chat: 2 ** 60 })).toEqual({ ok: false, error: 'chat: expected a chat id such as "-1001234567890" or "@channelname"' });
    expect(telegramAccess.parse({})).toEqual({ ok: false, error: 'chat: required: a chat id such as "-1001234567890" or "@channelname"' });
    expect(telegramAccess.parse({ chat: '-1001', role: 'x' })).toEqual({ ok: false, error: 'role: unknown field (a Telegram entry has only "chat")' });
    expect(telegramAccess.parse('-1001')).toEqual({ ok: false, error: 'expected { chat: "-1001234567890" }' });
  });

  it('shows its form as a plans file writes it', () => {
    expect(telegramAccess.example).toBe('{ telegram: { chat: "-1001234567890" } }');
  });
});

describe('the deprecated telegramChatIds plan field', () => {
  it('becomes Telegram chat entries with a warning showing the new form, and names each bad id', () => {
    const notes: PlanFieldNotes = { warnings: [], errors: [] };
    expect(TELEGRAM_CHAT_IDS.read([-1001234567890, 'vip'], telegramAccess, notes)).toEqual([{ telegram: { chat: -1001234567890 } }]);
    expect(notes.errors).toEqual([{ field: 'telegramChatIds[1]', message: 'expected a chat id such as "-1001234567890" or "@channelname"' }]);
    expect(notes.warnings).toEqual([{ field: 'telegramChatIds', message: 'deprecated (read for this release only): write access: [{ telegram: { chat: "-1001234567890" } }, { telegram: { chat: "vip" } }] instead' }]);
  });

  it('is ignored, with the new form, when the build reads no Telegram entries', () => {
    const notes: PlanFieldNotes = { warnings: [], errors: [] };
    expect(TELEGRAM_CHAT_IDS.read(['-1001'], undefined, notes)).toEqual([]);
    expect(notes).toEqual({ errors: [], warnings: [{ field: 'telegramChatIds', message: 'ignored: this build has no Telegram adapter (the new form is access: [{ telegram: { chat: "-1001" } }])' }] });
  });
});
