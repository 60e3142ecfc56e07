// /settings (show, change by button or by text), /stop and /resume. Bad input changes nothing and says why.
import type { AccountSettings } from '../../core/accounts/types';
import { ValidationError } from '../../core/errors';
import type { Reply } from '../../core/inbound/types';
import { isTimeZone, parseHourMinute } from '../../core/planning/quiet-hours';
import { BANDS, SIDES } from '../../core/types';
import { chatActor, ensureContact, type Contact } from './contact';
import type { CommandCall } from './deps';
import { settingsReply } from './settings-view';

type Change = Partial<AccountSettings>;
/** A change to apply, or what is wrong with the input. */
type Parsed = { change: Change } | { problem: string };

/** What people call the fields that the account store's errors name. */
const FIELD_WORDS: Record<string, string> = {
  symbolFilter: 'symbols', minBand: 'band', sideFilter: 'sides', directMessages: 'direct messages',
  quietStart: 'quiet hours', quietEnd: 'quiet hours', timeZone: 'time zone', paused: 'pause',
};

const MAX_SYMBOLS = 100;

function listOf(value: string): string[] {
  return value.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

/** "7:00" -> "07:00"; null when it is not a time. */
function hourMinute(text: string): string | null {
  const padded = /^\d:\d\d$/.test(text) ? `0${text}` : text;
  return parseHourMinute(padded) === null ? null : padded;
}

function parseSymbols(value: string): Parsed {
  if (/^(all|any|none|off)$/i.test(value)) return { change: { symbolFilter: null } };
  const symbols = [...new Set(listOf(value))];
  if (symbols.length === 0) return { problem: 'symbols: give a list such as "BTC,ETH", or "all"' };
  if (symbols.length > MAX_SYMBOLS) return { problem: `symbols: at most ${MAX_SYMBOLS}` };
  const long = symbols.find((s) => s.length > 32);
  if (long) return { problem: `symbols: "${long.slice(0, 40)}" is longer than 32 characters` };
  return { change: { symbolFilter: symbols } };
}

function parseBand(value: string): Parsed {
  if (/^(all|any)$/i.test(value)) return { change: { minBand: null } };
  const band = value.toUpperCase();
  if ((BANDS as readonly string[]).includes(band)) return { change: { minBand: band as AccountSettings['minBand'] } };
  return { problem: `band: expected ${BANDS.join(', ')} or all, got "${value}"` };
}

function parseSides(value: string): Parsed {
  if (/^(all|any)$/i.test(value)) return { change: { sideFilter: null } };
  const sides = [...new Set(listOf(value.toLowerCase()))];
  const bad = sides.find((s) => !(SIDES as readonly string[]).includes(s));
  if (bad !== undefined || sides.length === 0) return { problem: `sides: expected some of ${SIDES.join(', ')}, or all${bad ? `; got "${bad}"` : ''}` };
  return { change: { sideFilter: sides as AccountSettings['sideFilter'] } };
}

function parseOnOff(value: string): Parsed {
  if (/^(on|yes|true)$/i.test(value)) return { change: { directMessages: true } };
  if (/^(off|no|false)$/i.test(value)) return { change: { directMessages: false } };
  return { problem: `direct messages: expected on or off, got "${value}"` };
}

function parseQuiet(value: string): Parsed {
  if (/^(off|none)$/i.test(value)) return { change: { quietStart: null, quietEnd: null } };
  const m = /^(\S+?)\s*-\s*(\S+)(?:\s+(\S+))?$/.exec(value);
  if (!m) return { problem: 'quiet hours: expected "22:00-07:00", optionally followed by a time zone such as Europe/London, or "off"' };
  const start = hourMinute(m[1] ?? '');
  const end = hourMinute(m[2] ?? '');
  if (start === null || end === null) return { problem: `quiet hours: "${start === null ? m[1] : m[2]}" is not a 24-hour time such as 22:00` };
  if (start === end) return { problem: 'quiet hours: the start and the end must differ' };
  const change: Change = { quietStart: start, quietEnd: end };
  if (m[3] !== undefined) {
    if (!isTimeZone(m[3])) return { problem: `time zone: "${m[3]}" is not a time zone such as Europe/London` };
    change.timeZone = m[3];
  }
  return { change };
}

function parseTimeZone(value: string): Parsed {
  if (!value || !isTimeZone(value)) return { problem: `time zone: "${value}" is not a time zone such as Europe/London or America/New_York` };
  return { change: { timeZone: value } };
}

const PARSERS: Record<string, (value: string) => Parsed> = {
  symbols: parseSymbols, symbol: parseSymbols, band: parseBand, sides: parseSides, side: parseSides,
  dm: parseOnOff, quiet: parseQuiet, timezone: parseTimeZone, tz: parseTimeZone,
};

/** "/settings quiet 22:00-07:00 Europe/London" -> a change, or the problem. */
export function parseSettingsCommand(args: string): Parsed {
  const m = /^(\S+)\s*(.*)$/s.exec(args.trim());
  const what = m?.[1]?.toLowerCase() ?? '';
  const parser = PARSERS[what];
  if (!parser) return { problem: `I can change symbols, band, sides, dm, quiet and timezone; "${m?.[1] ?? ''}" is none of them` };
  return parser((m?.[2] ?? '').trim());
}

/** Callback data "set:band:A" -> a change; undefined for data this version does not know. */
function parseButton(data: string): Change | undefined {
  const [, what, value = ''] = data.split(':');
  const parsed = what === 'band' ? parseBand(value) : what === 'dm' ? parseOnOff(value)
    : what === 'sym' ? parseSymbols(value) : what === 'quiet' ? parseQuiet(value) : undefined;
  return parsed && 'change' in parsed ? parsed.change : undefined;
}

function changed(before: AccountSettings, change: Change): Change {
  const out: Change = {};
  for (const [key, value] of Object.entries(change) as [keyof AccountSettings, unknown][]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(value)) Object.assign(out, { [key]: value });
  }
  return out;
}

/** Applies a change (validated again by the store), with an audit event when something changed. */
async function apply(call: CommandCall, contact: Contact, change: Change): Promise<{ settings: AccountSettings } | { problem: string }> {
  const diff = changed(contact.account, change);
  if (Object.keys(diff).length === 0) return { settings: contact.account };
  try {
    const account = await call.deps.accounts.updateSettings(contact.account.id, diff);
    call.deps.audit.record({ actor: chatActor(call.event.actor), action: 'settings.changed', subjectType: 'account', subjectId: account.id, data: { ...diff } });
    return { settings: account };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return { problem: err.issues.map((i) => `${FIELD_WORDS[i.field] ?? i.field}: ${i.message}`).join('; ') };
  }
}

export async function settings(call: CommandCall): Promise<Reply[]> {
  const contact = await ensureContact(call);
  if (call.args === '') return [settingsReply(contact.account)];
  const parsed = parseSettingsCommand(call.args);
  if ('problem' in parsed) return [{ text: `Nothing changed. ${capitalise(parsed.problem)}.` }];
  const result = await apply(call, contact, parsed.change);
  if ('problem' in result) return [{ text: `Nothing changed. ${capitalise(result.problem)}.` }];
  return [settingsReply(result.settings, { note: 'Saved.' })];
}

/** A settings button: apply it and redraw the message it was on. */
export async function settingsButton(call: CommandCall): Promise<Reply[]> {
  const editMessageId = call.event.type === 'button' ? call.event.messageId : undefined;
  const contact = await ensureContact(call);
  const change = call.event.type === 'button' ? parseButton(call.event.data) : undefined;
  if (!change) return [settingsReply(contact.account, { note: 'That button is out of date; here are your settings now.', ...(editMessageId ? { editMessageId } : {}) })];
  const result = await apply(call, contact, change);
  if ('problem' in result) return [{ text: `Nothing changed. ${capitalise(result.problem)}.` }];
  return [settingsReply(result.settings, { note: 'Saved.', ...(editMessageId ? { editMessageId } : {}) })];
}

async function setPaused(call: CommandCall, paused: boolean): Promise<Reply[]> {
  const contact = await ensureContact(call);
  if (contact.account.paused === paused) {
    return [{ text: paused ? 'Direct messages are already paused. Send /resume to restart them.' : 'Direct messages are not paused.' }];
  }
  const result = await apply(call, contact, { paused });
  if ('problem' in result) return [{ text: `Nothing changed. ${capitalise(result.problem)}.` }];
  return [{
    text: paused
      ? 'Paused: no more direct messages until you send /resume. Your plan is unchanged.'
      : `Resumed: alerts come by direct message again${result.settings.directMessages ? '' : ' once you turn them on in /settings'}.`,
  }];
}

export const stop = (call: CommandCall): Promise<Reply[]> => setPaused(call, true);
export const resume = (call: CommandCall): Promise<Reply[]> => setPaused(call, false);

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
