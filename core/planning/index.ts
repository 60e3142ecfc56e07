// Planning: pure decisions about who gets a signal, when and at which priority.
export { checkRecipients, RecipientChecker, type RecipientBatch } from './check';
export { directExclusion, filterExclusion } from './filters';
export { deferPastQuietHours, isInQuietHours, isTimeZone, parseHourMinute, zoneOffsetMs, type QuietHours } from './quiet-hours';
export * from './types';
export { utcDayOf, utcDayStart } from './utc-day';
