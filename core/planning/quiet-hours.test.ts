import { describe, expect, it } from 'vitest';
import { deferPastQuietHours, isInQuietHours, isTimeZone, parseHourMinute, zoneOffsetMs } from './quiet-hours';

const utc = (h: number, m = 0, day = 15, month = 0) => Date.UTC(2026, month, day, h, m);

describe('quiet hours', () => {
  it('parses 24-hour HH:MM only', () => {
    expect(parseHourMinute('00:00')).toBe(0);
    expect(parseHourMinute('23:59')).toBe(1439);
    expect(['24:00', '7:00', '07:60', '0700', ''].map(parseHourMinute)).toEqual([null, null, null, null, null]);
  });

  it('leaves a moment outside quiet hours alone', () => {
    const quiet = { start: '22:00', end: '07:00', timeZone: 'UTC' };
    expect(deferPastQuietHours(utc(12), quiet)).toBe(utc(12));
    expect(deferPastQuietHours(utc(7), quiet)).toBe(utc(7));
    expect(deferPastQuietHours(utc(21, 59), quiet)).toBe(utc(21, 59));
  });

  it('moves a moment inside quiet hours that wrap midnight to their end', () => {
    const quiet = { start: '22:00', end: '07:00', timeZone: 'UTC' };
    expect(deferPastQuietHours(utc(22), quiet)).toBe(utc(7, 0, 16));
    expect(deferPastQuietHours(utc(23, 30), quiet)).toBe(utc(7, 0, 16));
    expect(deferPastQuietHours(utc(3), quiet)).toBe(utc(7));
    expect(deferPastQuietHours(utc(6, 59), quiet)).toBe(utc(7));
  });

  it('handles quiet hours inside one day', () => {
    const quiet = { start: '12:00', end: '14:30', timeZone: 'UTC' };
    expect(deferPastQuietHours(utc(13), quiet)).toBe(utc(14, 30));
    expect(isInQuietHours(utc(14, 30), quiet)).toBe(false);
    expect(isInQuietHours(utc(11, 59), quiet)).toBe(false);
  });

  it('reads the hours in the account time zone', () => {
    // 22:00 UTC on 15 January is 17:00 in New York (UTC-5): not quiet there.
    const ny = { start: '22:00', end: '07:00', timeZone: 'America/New_York' };
    expect(isInQuietHours(utc(22), ny)).toBe(false);
    // 04:00 UTC is 23:00 in New York: quiet until 07:00 New York = 12:00 UTC.
    expect(deferPastQuietHours(utc(4), ny)).toBe(utc(12));
    // Tokyo is UTC+9: 14:00 UTC is 23:00 there; quiet ends at 07:00 Tokyo = 22:00 UTC.
    expect(deferPastQuietHours(utc(14), { start: '22:00', end: '07:00', timeZone: 'Asia/Tokyo' })).toBe(utc(22));
  });

  it('lands on the right instant when the clocks change during the quiet hours', () => {
    // Europe/London moves to BST at 01:00 UTC on 29 March 2026: 23:00 GMT on the 28th, quiet until 07:00 BST = 06:00 UTC.
    const london = { start: '22:00', end: '07:00', timeZone: 'Europe/London' };
    expect(deferPastQuietHours(utc(23, 0, 28, 2), london)).toBe(utc(6, 0, 29, 2));
    expect(zoneOffsetMs('Europe/London', utc(12, 0, 30, 2))).toBe(3_600_000);
  });

  it('ignores empty or invalid quiet hours', () => {
    expect(deferPastQuietHours(utc(3), { start: '07:00', end: '07:00', timeZone: 'UTC' })).toBe(utc(3));
    expect(deferPastQuietHours(utc(3), { start: 'late', end: '07:00', timeZone: 'UTC' })).toBe(utc(3));
  });

  it('knows IANA time zones', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
