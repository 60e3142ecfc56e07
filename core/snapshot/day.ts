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

/** A time of day (SNAPSHOT_TIME): where a snapshot's day ends. */
export interface DayCutoff {
  hour: number;
  minute: number;
}

/** The instant the day's wall-clock time happens in the time zone (twice, in case a DST change lies between). */
function wallInstant(day: string, timeZone: string, at: DayCutoff = { hour: 0, minute: 0 }): number {
  const wall = Date.parse(`${day}T00:00:00Z`) + (at.hour * 60 + at.minute) * 60_000;
  const guess = wall - zoneOffsetMs(timeZone, wall);
  return wall - zoneOffsetMs(timeZone, guess);
}

/**
 * [from, to): what a snapshot of `day` covers. Without a cutoff, the day's midnight to the next
 * one's; with one (SNAPSHOT_TIME), the 24 hours (23 or 25 across a DST change) that end at that
 * time on the day, so that each signal is in exactly one daily snapshot, even one published after
 * the snapshot went out.
 */
export function dayBounds(day: string, timeZone: string, endsAt: DayCutoff | null = null): { from: number; to: number } {
  if (endsAt) return { from: wallInstant(dayBefore(day, 1), timeZone, endsAt), to: wallInstant(day, timeZone, endsAt) };
  return { from: wallInstant(day, timeZone), to: wallInstant(dayBefore(day, -1), timeZone) };
}

/** The snapshot day whose bounds hold `at` (with a cutoff, a signal after it belongs to the next day's). */
export function snapshotDayOf(at: number, timeZone: string, endsAt: DayCutoff | null = null): string {
  const day = dayOf(at, timeZone);
  return endsAt && at >= wallInstant(day, timeZone, endsAt) ? dayBefore(day, -1) : day;
}

/** "18:00" */
export const cutoffLabel = (c: DayCutoff) => `${String(c.hour).padStart(2, '0')}:${String(c.minute).padStart(2, '0')}`;

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
