// How Slack reaches the app: a signed HTTP POST to its request URL (form or JSON body), or an
// envelope over Socket Mode when the app uses it. Options sign wrongly or with an old timestamp,
// and a request can be sent again byte for byte (a replay).
import type { SlackState } from './state';
import { signedHeaders } from './signing';
import type { EnvelopeType, SocketModeServer } from './socket-mode';

export interface SigningOptions {
  /** Sign with this secret instead of the app's (a forged request). */
  signWith?: string;
  /** Seconds added to the timestamp (-360: six minutes old, which bolt refuses). */
  timestampOffsetSeconds?: number;
}

/** The exact HTTP request sent, to replay it. */
export interface SentRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface DeliveryResult {
  via: 'http' | 'socket';
  /** The HTTP status (200 for a socket ack); 0 when nothing answered in time or no connection was open. */
  status: number;
  /** The answer's body: parsed JSON when it is JSON, else its text ('' when empty); a socket ack's payload. */
  body: unknown;
  /** Milliseconds until the app answered (or gave up). */
  ackMs: number;
  /** Nothing answered within the ack timeout (Slack gives up after 3 s). */
  timedOut: boolean;
  /** The HTTP request, for `replay`. */
  request?: SentRequest;
  error?: string;
}

export interface Delivery {
  kind: 'form' | 'json';
  /** For a form: its fields; for JSON: the object. */
  body: Record<string, string> | Record<string, unknown>;
  envelope: EnvelopeType;
  /** The Socket Mode payload (the form's fields as an object, or the interactivity payload parsed). */
  socketPayload: unknown;
  headers?: Record<string, string>;
}

export class Deliverer {
  constructor(
    private readonly state: SlackState,
    private readonly socket: () => SocketModeServer | undefined,
    private readonly ackTimeoutMs: number,
  ) {}

  async deliver(delivery: Delivery, options: SigningOptions = {}, retry?: { attempt: number; reason: string }): Promise<DeliveryResult> {
    const app = this.state.app;
    const socket = this.socket();
    if (app.socketMode && socket) {
      const started = Date.now();
      const ack = await socket.deliver(delivery.envelope, delivery.socketPayload, this.ackTimeoutMs, retry);
      const ackMs = Date.now() - started;
      if (!ack) return { via: 'socket', status: 0, body: '', ackMs, timedOut: socket.connected > 0, error: socket.connected > 0 ? 'no ack in time' : 'no socket connected' };
      return { via: 'socket', status: 200, body: ack.payload ?? '', ackMs: ack.ackMs, timedOut: false };
    }
    if (!app.requestUrl) return { via: 'http', status: 0, body: '', ackMs: 0, timedOut: false, error: 'the app has no request URL' };
    const raw = delivery.kind === 'form' ? new URLSearchParams(delivery.body as Record<string, string>).toString() : JSON.stringify(delivery.body);
    const ts = Math.floor(this.state.clock.now() / 1000) + (options.timestampOffsetSeconds ?? 0);
    const headers: Record<string, string> = {
      'content-type': delivery.kind === 'form' ? 'application/x-www-form-urlencoded' : 'application/json',
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...signedHeaders(options.signWith ?? app.signingSecret, ts, raw),
      ...(retry ? { 'x-slack-retry-num': String(retry.attempt), 'x-slack-retry-reason': retry.reason } : {}),
      ...(delivery.headers ?? {}),
    };
    return this.send({ url: app.requestUrl, headers, body: raw });
  }

  /** Sends a request exactly as before (same body, headers and signature). */
  async send(request: SentRequest): Promise<DeliveryResult> {
    const started = Date.now();
    try {
      const res = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body, redirect: 'manual', signal: AbortSignal.timeout(this.ackTimeoutMs) });
      const text = await res.text();
      let body: unknown = text;
      if (res.headers.get('content-type')?.includes('application/json') && text) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      return { via: 'http', status: res.status, body, ackMs: Date.now() - started, timedOut: false, request };
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError';
      return { via: 'http', status: 0, body: '', ackMs: Date.now() - started, timedOut, request, error: timedOut ? 'no answer in time' : (err as Error).message };
    }
  }
}
