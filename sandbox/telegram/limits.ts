// Telegram's flood limits for sending: per chat, per group, overall (or the paid-broadcast overall),
// answered with 429 and retry_after, and a count of requests that ignored a retry_after.
import type { Clock } from '../../core/clock';
import type { RateWindow } from '../../core/delivery/chat-platform';
import { WindowLog } from '../base/window-log';

/** The limits the emulator enforces on sends; every window is configurable. */
export interface TelegramLimits {
  /** Every send, unless it carries allow_paid_broadcast. */
  overall: RateWindow;
  /** Sends to one chat. */
  perChat: RateWindow;
  /** Sends to one group, supergroup or channel (on top of perChat). */
  perGroup: RateWindow;
  /** The overall limit for sends with allow_paid_broadcast. */
  paidBroadcast: RateWindow;
}

export const defaultTelegramLimits: TelegramLimits = {
  overall: { limit: 30, windowMs: 1000 },
  perChat: { limit: 1, windowMs: 1000 },
  perGroup: { limit: 20, windowMs: 60_000 },
  paidBroadcast: { limit: 1000, windowMs: 1000 },
};

/** What the limiter saw: 429s it gave, and requests that came while a retry_after still ran. */
export interface LimitStats {
  /** Sends accepted. */
  accepted: number;
  /** 429s answered by the limits (injected faults not included). */
  rateLimited: number;
  /** 429s answered by injected faults. */
  injectedRateLimited: number;
  /** Requests that arrived while a retry_after given to their chat, or to everyone, was running. */
  violations: number;
}

export type LimitDecision = { ok: true } | { ok: false; retryAfter: number; scope: 'chat' | 'global' };

export class SendLimiter {
  private readonly overall = new WindowLog();
  private readonly chats = new Map<number, WindowLog>();
  private readonly groups = new Map<number, WindowLog>();
  /** Penalties given with a 429: chat id (or 'global') -> until when. */
  private readonly penalties = new Map<number | 'global', number>();
  stats: LimitStats = { accepted: 0, rateLimited: 0, injectedRateLimited: 0, violations: 0 };

  constructor(
    private readonly limits: TelegramLimits,
    private readonly clock: Clock,
  ) {}

  /** Decides one send to `chatId` and, when it may go, counts it. */
  take(chatId: number, options: { group: boolean; paid: boolean }): LimitDecision {
    const now = this.clock.now();
    for (const key of ['global', chatId] as const) {
      const until = this.penalties.get(key) ?? 0;
      if (now < until) {
        this.stats.violations += 1;
        this.stats.rateLimited += 1;
        return { ok: false, retryAfter: Math.ceil((until - now) / 1000), scope: key === 'global' ? 'global' : 'chat' };
      }
    }
    const chat = this.logFor(this.chats, chatId);
    const group = options.group ? this.logFor(this.groups, chatId) : undefined;
    const overallWindow = options.paid ? this.limits.paidBroadcast : this.limits.overall;
    const checks: { log: WindowLog; window: RateWindow; scope: 'chat' | 'global' }[] = [
      { log: chat, window: this.limits.perChat, scope: 'chat' },
      ...(group ? [{ log: group, window: this.limits.perGroup, scope: 'chat' as const }] : []),
      { log: this.overall, window: overallWindow, scope: 'global' },
    ];
    for (const { log, window, scope } of checks) {
      if (log.count(now, window.windowMs) < window.limit) continue;
      const retryAfter = Math.max(1, Math.ceil(log.waitMs(now, window) / 1000));
      this.penalize(scope === 'global' ? 'global' : chatId, retryAfter);
      this.stats.rateLimited += 1;
      return { ok: false, retryAfter, scope };
    }
    for (const { log } of checks) log.add(now);
    this.stats.accepted += 1;
    return { ok: true };
  }

  /** Records a retry_after given to a chat or to everyone (also for injected 429s). */
  penalize(key: number | 'global', retryAfterSeconds: number): void {
    const until = this.clock.now() + retryAfterSeconds * 1000;
    this.penalties.set(key, Math.max(this.penalties.get(key) ?? 0, until));
  }

  private logFor(map: Map<number, WindowLog>, chatId: number): WindowLog {
    let log = map.get(chatId);
    if (!log) {
      log = new WindowLog();
      map.set(chatId, log);
    }
    return log;
  }
}
