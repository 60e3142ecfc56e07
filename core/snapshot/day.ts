// The operator's day: "YYYY-MM-DD" in OPERATOR_TIME_ZONE, its bounds as instants, and a checked parse of one typed by hand.
import { ValidationError } from '../errors';
import { zoneOffsetMs } from '../planning/quiet-hours';

const DAY_MS = 86_400_000;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** The day ("YYYY-MM-DD") that `at` falls on in the time zone. */
export function dayOf(at: number, timeZone: string): string {
  return new Date(at + zoneOffsetMs(timeZone, at)).toISOString().slice(0, 10);
}

/** The instant the day's wall-clock midnight happens in the time zone (twice, in case a DST change lies between). */
function midnight(day: string, timeZone: string): number {
  const wall = Date.parse(`${day}T00:00:00Z`);
  const guess = wall - zoneOffsetMs(timeZone, wall);
  return wall - zoneOffsetMs(timeZone, guess);
}

/** [from, to): the day's midnight to the next one's, in the time zone. */
export function dayBounds(day: string, timeZone: string): { from: number; to: number } {
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
  return { from: midnight(day, timeZone), to: midnight(next, timeZone) };
}

/** The day `days` before (negative: after) this one. */
export function dayBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);
}

/** "2026-12-06" → "6 Dec 2026". */
export function dayLabel(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

/** A day typed by hand (`--date`): a real calendar day as YYYY-MM-DD, else a validation error that names it. */
export function parseDay(text: string): string {
  const m = DAY_PATTERN.exec(text.trim());
  const iso = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !iso || Number.isNaN(iso.getTime()) || iso.toISOString().slice(0, 10) !== text.trim()) {
    throw new ValidationError([{ field: 'date', message: `"${text}" is not a date: expected a calendar day as YYYY-MM-DD, e.g. 2026-12-06` }]);
  }
  return text.trim();
}
