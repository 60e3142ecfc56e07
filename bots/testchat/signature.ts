// Testchat's webhook signature: HMAC-SHA256 of the raw body keyed with the bot token, sent as "sha256=<hex>".
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header testchat signs each webhook call with. */
export const SIGNATURE_HEADER = 'x-testchat-signature';

export function signWebhookBody(token: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', token).update(rawBody).digest('hex')}`;
}

/** Whether `header` is the signature of `rawBody` under `token` (compared in constant time). */
export function verifyWebhookSignature(token: string, rawBody: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(signWebhookBody(token, rawBody));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
