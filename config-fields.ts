// The zod fields the settings are read with (config.ts): numbers, URLs, rates, keys, lists, on/off and times of day, each with an error that says what is expected.
import { z } from 'zod';
import type { RateWindow } from './core/delivery/chat-platform';

/** "30/1s", "20/60s", "1000/1s", "5/500ms": at most N sends per window. */
export function parseRate(text: string): RateWindow {
  const m = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*(ms|s|m)\s*$/.exec(text);
  if (!m) throw new Error('expected "<count>/<window>", for example "30/1s", "20/60s" or "5/500ms"');
  const limit = Number(m[1]);
  const unit = m[3] === 'ms' ? 1 : m[3] === 's' ? 1000 : 60_000;
  const windowMs = Math.round(Number(m[2]) * unit);
  if (limit < 1 || windowMs < 1) throw new Error('count and window must be positive');
  return { limit, windowMs };
}

export const optionalText = z.string().trim().min(1).optional();
/** A whole number from min to max, with a message that says so. */
export const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number({ error: `expected a whole number from ${min} to ${max}` })
    .int(`expected a whole number from ${min} to ${max}`).min(min, `expected a whole number from ${min} to ${max}`).max(max, `expected a whole number from ${min} to ${max}`);
export const fraction = () => z.coerce.number({ error: 'expected a number from 0 to 1' }).min(0, 'expected a number from 0 to 1').max(1, 'expected a number from 0 to 1');
export const url = (example: string) =>
  z.string().trim().url(`expected a URL such as ${example}`).transform((u) => u.replace(/\/+$/, '')).optional();
export const rate = z.string().transform((v, ctx) => {
  try {
    return parseRate(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
}).optional();
/** 32 bytes as 64 hex characters or as base64 (standard or URL-safe); the key itself is never echoed. */
export const secretsKey = z.string().trim().transform((v, ctx) => {
  const bytes = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(v) ? Buffer.from(v, 'base64') : null;
  if (!bytes || bytes.length !== 32) {
    ctx.addIssue({ code: 'custom', message: 'expected 32 random bytes as 64 hex characters or as base64 (`openssl rand -base64 32`)' });
    return z.NEVER;
  }
  return new Uint8Array(bytes);
}).optional();
export const idList = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

/** on/off (also true/false, yes/no, 1/0). */
export const onOff = (def: 'on' | 'off') => z.string().trim().default(def).transform((v, ctx) => {
  if (/^(on|true|yes|1)$/i.test(v)) return true;
  if (/^(off|false|no|0)$/i.test(v)) return false;
  ctx.addIssue({ code: 'custom', message: 'expected on or off' });
  return z.NEVER;
});
export const timeOrOff = (def: string) => z.string().trim().default(def).transform((v, ctx) => parseTimeOrOff(v, ctx));

/** "HH:MM" (24-hour) or "off". */
export function parseTimeOrOff(v: string, ctx: z.RefinementCtx): { hour: number; minute: number } | null {
  if (/^off$/i.test(v)) return null;
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(v);
  if (m) return { hour: Number(m[1]), minute: Number(m[2]) };
  ctx.addIssue({ code: 'custom', message: 'expected a time of day as HH:MM (24-hour, e.g. 18:00) or off' });
  return z.NEVER;
}

/** An IANA time zone this Node knows, such as Europe/London (the check quiet hours use too). */
export { isTimeZone } from './core/planning/quiet-hours';
