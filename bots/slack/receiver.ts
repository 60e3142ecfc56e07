// Bolt without its own server: a Receiver fed by the service's HTTP server at POST /slack/events, verifying Slack's signature and refusing replays.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import type { AdapterRequest, AdapterResponse } from '../../core/platform/adapter';

/** How old (or how far ahead) a request's timestamp may be: Slack's five minutes. */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;
/** How long an answer to Slack may wait for bolt's ack (Slack gives up at 3 s). */
const ACK_WAIT_MS = 2_500;
/** The most signatures and event ids remembered; the oldest are forgotten first. */
const MEMORY = 50_000;

const header = (request: AdapterRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Whether `signature` is Slack's `v0=HMAC-SHA256(secret, "v0:" + timestamp + ":" + body)`, compared in constant time. */
export function validSignature(secret: string, timestamp: string, rawBody: Buffer, signature: string): boolean {
  const expected = Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(rawBody).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Keys remembered for a while: a replayed request, a retried event. */
class Seen {
  private readonly until = new Map<string, number>();
  constructor(private readonly ttlMs: number) {}
  /** True when `key` was seen within the time to live; remembers it either way. */
  check(key: string, now: number): boolean {
    const expiry = this.until.get(key);
    if (expiry !== undefined && expiry > now) return true;
    this.until.set(key, now + this.ttlMs);
    if (this.until.size > MEMORY) {
      for (const [k, t] of this.until) {
        if (t <= now || this.until.size > MEMORY) this.until.delete(k);
        else break;
      }
    }
    return false;
  }
}

/** The body as bolt reads it: Events API JSON, or a form (a slash command), with interactivity's `payload=` JSON unwrapped. */
export function parseBody(request: AdapterRequest): Record<string, unknown> {
  const text = request.rawBody.toString('utf8');
  const type = header(request, 'content-type') ?? '';
  if (type.includes('application/json')) return JSON.parse(text) as Record<string, unknown>;
  const form = Object.fromEntries(new URLSearchParams(text));
  return typeof form.payload === 'string' ? (JSON.parse(form.payload) as Record<string, unknown>) : form;
}

const unauthorized: AdapterResponse = { status: 401, body: '' };

/**
 * Bolt's Receiver for the service's server. A request without a valid signature, with a timestamp
 * outside five minutes, or replayed (the same signature again within five minutes) gets 401 with an
 * empty body and never reaches the app. `url_verification` is answered with its challenge; an
 * Events API retry of an event already handled is acknowledged and dropped (bolt also drops it in
 * the app's dedupe middleware, which covers Socket Mode).
 */
export class RouteReceiver implements Receiver {
  private app: App | undefined;
  private running = false;
  private readonly replays = new Seen(SIGNATURE_WINDOW_MS);

  constructor(private readonly deps: { signingSecret: string; clock: Clock; logger: Logger }) {}

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {
    this.running = true;
  }

  async stop(): Promise<void> {
    this.running = false;
  }

  async handle(request: AdapterRequest): Promise<AdapterResponse> {
    const now = this.deps.clock.now();
    const timestamp = header(request, 'x-slack-request-timestamp') ?? '';
    const signature = header(request, 'x-slack-signature') ?? '';
    const seconds = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : NaN;
    if (!Number.isFinite(seconds) || Math.abs(now - seconds * 1000) > SIGNATURE_WINDOW_MS) {
      this.deps.logger.warn({ reason: 'stale' }, 'a Slack request was refused: its timestamp is missing or more than 5 minutes away');
      return unauthorized;
    }
    if (!validSignature(this.deps.signingSecret, timestamp, request.rawBody, signature)) {
      this.deps.logger.warn({ reason: 'signature' }, 'a Slack request was refused: its signature does not match SLACK_SIGNING_SECRET');
      return unauthorized;
    }
    if (this.replays.check(`${timestamp}:${signature}`, now)) {
      this.deps.logger.warn({ reason: 'replay' }, 'a Slack request was refused: the same signed request came again');
      return unauthorized;
    }
    let body: Record<string, unknown>;
    try {
      body = parseBody(request);
    } catch {
      return { status: 400, body: '' };
    }
    if (body.type === 'url_verification') return { status: 200, body: { challenge: body.challenge } };
    if (!this.running || !this.app) return { status: 503, body: '' };
    return this.dispatch(this.app, body, request);
  }

  /** Hands the body to bolt and answers Slack with what bolt acknowledges, at the latest after ACK_WAIT_MS. */
  private async dispatch(app: App, body: Record<string, unknown>, request: AdapterRequest): Promise<AdapterResponse> {
    let acked: (response: AdapterResponse) => void = () => undefined;
    const answer = new Promise<AdapterResponse>((resolve) => (acked = resolve));
    const retryNum = Number(header(request, 'x-slack-retry-num'));
    const event: ReceiverEvent = {
      body,
      ...(Number.isFinite(retryNum) ? { retryNum, retryReason: header(request, 'x-slack-retry-reason') } : {}),
      ack: async (response?: unknown) => {
        acked({ status: 200, body: response === undefined || response === '' ? '' : response });
      },
    };
    app.processEvent(event).catch((err: unknown) => {
      this.deps.logger.error({ err }, 'handling a Slack request failed');
      acked({ status: 200, body: '' });
    });
    const timer = new AbortController();
    const late = this.deps.clock.sleep(ACK_WAIT_MS, timer.signal).then(() => ({ status: 200, body: '' }) as AdapterResponse);
    const response = await Promise.race([answer, late]);
    timer.abort();
    return response;
  }
}
