// Slack's request signing: X-Slack-Signature = "v0=" + hex HMAC-SHA256(signing secret, "v0:" + timestamp + ":" + raw body), with X-Slack-Request-Timestamp in seconds.
import { createHmac } from 'node:crypto';

export function slackSignature(signingSecret: string, timestampSeconds: number, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSeconds}:${rawBody}`).digest('hex')}`;
}

/** The two headers Slack puts on every request to an app. */
export function signedHeaders(signingSecret: string, timestampSeconds: number, rawBody: string): Record<string, string> {
  return {
    'x-slack-request-timestamp': String(timestampSeconds),
    'x-slack-signature': slackSignature(signingSecret, timestampSeconds, rawBody),
  };
}
