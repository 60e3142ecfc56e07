// Validation of account settings changes (/settings, the CLI, tests): formats, time zone, and rules across fields.
import { z } from 'zod';
import { ValidationError, type FieldIssue } from '../errors';
import { isTimeZone, parseHourMinute } from '../planning/quiet-hours';
import { toFieldIssues } from '../signals/field-issues';
import { BANDS, SIDES } from '../types';
import type { AccountSettings } from './types';

const hourMinute = z.string().refine((v) => parseHourMinute(v) !== null, 'expected a 24-hour time "HH:MM", such as "22:00"');

/** Empty lists mean "no filter": stored as null. */
const list = <T extends z.ZodType>(item: T, max: number) =>
  z.array(item).max(max).nullable().transform((v) => (v && v.length > 0 ? v : null));

export const settingsUpdateSchema = z.strictObject({
  symbolFilter: list(z.string().trim().min(1).max(32), 100).optional(),
  minBand: z.enum(BANDS).nullable().optional(),
  sideFilter: list(z.enum(SIDES), SIDES.length).optional(),
  directMessages: z.boolean().optional(),
  quietStart: hourMinute.nullable().optional(),
  quietEnd: hourMinute.nullable().optional(),
  timeZone: z.string().refine(isTimeZone, 'expected an IANA time zone such as "Europe/London"').optional(),
  paused: z.boolean().optional(),
});

export type SettingsUpdate = Partial<AccountSettings>;

/** Checks a partial settings change; throws a ValidationError naming every bad field. */
export function parseSettingsUpdate(input: unknown): SettingsUpdate {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ValidationError([{ field: '(input)', message: 'expected an object of settings' }]);
  }
  const result = settingsUpdateSchema.safeParse(input);
  if (!result.success) throw new ValidationError(toFieldIssues(result.error, input));
  const out: SettingsUpdate = {};
  for (const [key, value] of Object.entries(result.data)) {
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

/** Rules across fields, on the settings as they would be after the change. */
export function checkSettings(settings: AccountSettings): void {
  const issues: FieldIssue[] = [];
  const { quietStart, quietEnd } = settings;
  if ((quietStart === null) !== (quietEnd === null)) {
    issues.push({ field: quietStart === null ? 'quietStart' : 'quietEnd', message: 'quiet hours need both quietStart and quietEnd (or neither)' });
  } else if (quietStart !== null && quietStart === quietEnd) {
    issues.push({ field: 'quietEnd', message: 'expected a time different from quietStart' });
  }
  if (issues.length > 0) throw new ValidationError(issues);
}

/** What a new account starts with. */
export const DEFAULT_SETTINGS: AccountSettings = {
  symbolFilter: null,
  minBand: null,
  sideFilter: null,
  directMessages: true,
  quietStart: null,
  quietEnd: null,
  timeZone: 'UTC',
  paused: false,
};
