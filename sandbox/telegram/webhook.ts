// Webhook delivery: while a webhook is set, each update is POSTed to it in order, with the secret
// token header; a failed delivery is kept, reported in getWebhookInfo and retried later.
import type { Update } from 'grammy/types';
import type { Clock } from '../../core/clock';
import type { UpdateQueue } from './updates';

export interface WebhookSettings {
  url: string;
  secretToken?: string | undefined;
  maxConnections: number;
  ipAddress?: string | undefined;
}

/** One delivery attempt, for inspection. */
export interface WebhookAttempt {
  updateId: number;
  /** The HTTP status the webhook answered, or undefined when it could not be reached. */
  status: number | undefined;
}

export class WebhookDeliverer {
  settings: WebhookSettings | undefined;
  lastError: { date: number; message: string } | undefined;
  readonly attempts: WebhookAttempt[] = [];
  private running: Promise<void> | undefined;
  private retryScheduled = false;
  private stopped = false;
  private inFlight: AbortController | undefined;
  private retryWait = new AbortController();

  constructor(
    private readonly updates: UpdateQueue,
    private readonly clock: Clock,
    private readonly retryMs: number,
  ) {
    updates.onUpdate(() => this.kick());
  }

  set(settings: WebhookSettings): void {
    this.settings = settings;
    this.kick();
  }

  delete(): void {
    this.settings = undefined;
    this.lastError = undefined;
  }

  /** Resolves when the current delivery pass ends (delivered all, or one failed and waits to retry). */
  async settled(): Promise<void> {
    // Let updates emitted just before start their delivery first.
    await Promise.resolve();
    while (this.running) await this.running;
  }

  stop(): void {
    this.stopped = true;
    this.inFlight?.abort();
    this.retryWait.abort();
  }

  clear(): void {
    this.delete();
    this.attempts.length = 0;
    this.retryWait.abort();
    this.retryWait = new AbortController();
  }

  private kick(): void {
    if (this.running || this.retryScheduled || this.stopped || !this.settings) return;
    this.running = this.run().finally(() => {
      this.running = undefined;
    });
  }

  private async run(): Promise<void> {
    for (;;) {
      const settings = this.settings;
      const [update] = this.updates.peek(1);
      if (!settings || !update || this.stopped) return;
      const failure = await this.deliver(settings, update);
      if (this.stopped) return;
      if (failure === undefined) {
        // Only drop it if nothing (a deleteWebhook with drop_pending_updates) changed the queue meanwhile.
        if (this.updates.peek(1)[0] === update) this.updates.shift();
        continue;
      }
      this.lastError = { date: Math.floor(this.clock.now() / 1000), message: failure };
      this.retryScheduled = true;
      const wait = this.retryWait.signal;
      void this.clock.sleep(this.retryMs, wait).then(() => {
        this.retryScheduled = false;
        if (!wait.aborted) this.kick();
      });
      return;
    }
  }

  /** POSTs one update; returns why it failed, or undefined when the webhook took it. */
  private async deliver(settings: WebhookSettings, update: Update): Promise<string | undefined> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (settings.secretToken) headers['x-telegram-bot-api-secret-token'] = settings.secretToken;
    const controller = new AbortController();
    this.inFlight = controller;
    try {
      const res = await fetch(settings.url, { method: 'POST', headers, body: JSON.stringify(update), signal: controller.signal });
      await res.arrayBuffer();
      this.attempts.push({ updateId: update.update_id, status: res.status });
      return res.ok ? undefined : `Wrong response from the webhook: ${res.status} ${res.statusText}`.trim();
    } catch (err) {
      this.attempts.push({ updateId: update.update_id, status: undefined });
      const code = (err as { cause?: { code?: string } }).cause?.code;
      return code === 'ECONNREFUSED' ? 'Connection refused' : 'Connection failed';
    } finally {
      this.inFlight = undefined;
    }
  }
}
