// How /settings shows an account's settings: a summary and an inline keyboard with short callback data.
import type { AccountSettings } from '../../core/accounts/types';
import type { Reply, ReplyButton } from '../../core/inbound/types';

/** Callback data of the settings buttons, all "set:<what>:<value>" (well under the 64 bytes platforms allow). */
export const SETTINGS_BUTTONS = {
  bandAll: 'set:band:all',
  bandA: 'set:band:A',
  bandB: 'set:band:B',
  dmOn: 'set:dm:on',
  dmOff: 'set:dm:off',
  symbolsAll: 'set:sym:all',
  quietOff: 'set:quiet:off',
} as const;

const mark = (on: boolean, label: string) => (on ? `✓ ${label}` : label);

export function describeSettings(s: AccountSettings): string[] {
  const band = s.minBand === null || s.minBand === 'C' ? 'all bands' : s.minBand === 'A' ? 'band A only' : 'bands A and B';
  const dm = s.paused ? 'paused (send /resume to restart them)' : s.directMessages ? 'on' : 'off';
  return [
    `Symbols: ${s.symbolFilter ? s.symbolFilter.join(', ') : 'all'}`,
    `Alerts: ${band}`,
    `Sides: ${s.sideFilter ? s.sideFilter.join(', ') : 'all'}`,
    `Direct messages: ${dm}`,
    `Quiet hours: ${s.quietStart && s.quietEnd ? `${s.quietStart}-${s.quietEnd}` : 'none'}`,
    `Time zone: ${s.timeZone}`,
  ];
}

const HOW_TO_TYPE = [
  'To change what the buttons cannot, send:',
  '/settings symbols BTC,ETH (or all): BTC also takes BTCUSDT, BTC-PERP, BTC/USDT',
  '/settings quiet 22:00-07:00 Europe/London (or off)',
  '/settings timezone Europe/London',
  '/settings sides long,short (or all)',
  '/settings band A, B or all',
  '/settings dm on or off',
];

function keyboard(s: AccountSettings): ReplyButton[][] {
  const band = s.minBand === 'C' ? null : s.minBand;
  const rows: ReplyButton[][] = [
    [
      { label: mark(band === null, 'All bands'), data: SETTINGS_BUTTONS.bandAll },
      { label: mark(band === 'B', 'A and B'), data: SETTINGS_BUTTONS.bandB },
      { label: mark(band === 'A', 'A only'), data: SETTINGS_BUTTONS.bandA },
    ],
    [
      { label: mark(s.directMessages, 'Direct messages on'), data: SETTINGS_BUTTONS.dmOn },
      { label: mark(!s.directMessages, 'Off'), data: SETTINGS_BUTTONS.dmOff },
    ],
  ];
  const clear: ReplyButton[] = [];
  if (s.symbolFilter) clear.push({ label: 'All symbols', data: SETTINGS_BUTTONS.symbolsAll });
  if (s.quietStart) clear.push({ label: 'No quiet hours', data: SETTINGS_BUTTONS.quietOff });
  if (clear.length > 0) rows.push(clear);
  return rows;
}

/** The settings message: a summary, how to type the rest, and the buttons. */
export function settingsReply(s: AccountSettings, options: { note?: string; editMessageId?: string } = {}): Reply {
  const lines = [...(options.note ? [options.note, ''] : []), 'Your settings:', ...describeSettings(s), '', ...HOW_TO_TYPE];
  return { text: lines.join('\n'), buttons: keyboard(s), ...(options.editMessageId ? { editMessageId: options.editMessageId } : {}) };
}
