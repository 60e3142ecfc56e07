// Quiet hours in an account's time zone: is a moment inside them, and when do they end.
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** Quiet hours: "HH:MM" to "HH:MM" (end excluded) in an IANA time zone; start after end wraps midnight. */
export interface QuietHours {
  start: string;
  end: string;
  timeZone: string;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** "07:30" -> 450; null when the text is not a 24-hour "HH:MM". */
export function parseHourMinute(text: string): number | null {
  const m = HH_MM.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
// Planning asks for the same (zone, instant) for every subscriber with the same delay: remember answers.
const offsets = new Map<string, number>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** How far the zone's wall clock is ahead of UTC at `at`, in ms (e.g. +3_600_000 for Paris in winter). */
export function zoneOffsetMs(timeZone: string, at: number): number {
  const key = `${timeZone}|${at}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(at))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  const offset = wall - (at - (((at % 1000) + 1000) % 1000));
  if (offsets.size > 10_000) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

const mod = (n: number, m: number) => ((n % m) + m) % m;

function inside(msOfDay: number, start: number, end: number): boolean {
  const s = start * MINUTE_MS;
  const e = end * MINUTE_MS;
  return s < e ? msOfDay >= s && msOfDay < e : msOfDay >= s || msOfDay < e;
}

/**
 * `at` itself when it is outside the quiet hours; otherwise the moment they end.
 * Invalid or empty quiet hours (start equal to end) change nothing.
 */
export function deferPastQuietHours(at: number, quiet: QuietHours): number {
  const start = parseHourMinute(quiet.start);
  const end = parseHourMinute(quiet.end);
  if (start === null || end === null || start === end) return at;
  const offset = zoneOffsetMs(quiet.timeZone, at);
  const wall = at + offset;
  const msOfDay = mod(wall, DAY_MS);
  if (!inside(msOfDay, start, end)) return at;
  const wallEnd = wall + mod(end * MINUTE_MS - msOfDay, DAY_MS);
  // Back from wall-clock time to an instant; twice, in case a DST change lies between.
  const guess = wallEnd - zoneOffsetMs(quiet.timeZone, wallEnd - offset);
  const instant = wallEnd - zoneOffsetMs(quiet.timeZone, guess);
  return Math.max(instant, at);
}

/** True when `at` falls inside the quiet hours. */
export function isInQuietHours(at: number, quiet: QuietHours): boolean {
  return deferPastQuietHours(at, quiet) !== at;
}
