// One platform's send limits in memory: overall, per chat and per group windows, plus retry_after penalties.
import type { PlatformLimits } from './chat-platform';
import { SlidingWindow, marginFor } from './sliding-window';

export interface RateLimiterOptions {
  /** Share of each window added as a safety margin, because the platform measures at arrival. Default 0.02. */
  marginRatio?: number;
  /** The smallest margin in milliseconds. Default 5. */
  minMarginMs?: number;
}

/** A granted send. Call `start` right before the request leaves. */
export interface Grant {
  /**
   * Marks the send as starting at `at` (its windows count it from then on).
   * Returns false when a penalty now covers `at`: the send must not go out.
   */
  start(at: number): boolean;
}

/** A refusal: wait this long, because of the whole platform or of this chat only. */
export interface Blocked {
  ok: false;
  waitMs: number;
  scope: 'platform' | 'chat';
}

/** What the limiter says about one send: go with a grant, or wait. */
export type Admission = { ok: true; grant: Grant } | Blocked;

interface ChatState {
  chat: SlidingWindow | undefined;
  group: SlidingWindow | undefined;
  penaltyUntil: number;
}

/**
 * Guarantees that in any interval of a window's length no more than its limit
 * of sends start (exact sliding windows, widened by a margin). Group chats
 * obey the per-chat and the per-group windows. A chat in penalty blocks only
 * itself; a platform penalty blocks everything. Chats whose windows have
 * passed are forgotten, so memory follows recent traffic only.
 */
export class RateLimiter {
  private readonly overall: SlidingWindow;
  private readonly chatSpanMs: number;
  private readonly groupSpanMs: number;
  private readonly chats = new Map<string, ChatState>();
  private platformPenaltyUntil = -Infinity;
  private lastSweep = -Infinity;
  private readonly sweepEveryMs: number;

  constructor(readonly limits: PlatformLimits, options: RateLimiterOptions = {}) {
    const ratio = options.marginRatio ?? 0.02;
    const minMs = options.minMarginMs ?? 5;
    this.overall = new SlidingWindow(limits.overall.limit, limits.overall.windowMs + marginFor(limits.overall, ratio, minMs));
    this.chatSpanMs = limits.perChat.windowMs + marginFor(limits.perChat, ratio, minMs);
    this.groupSpanMs = limits.perGroup.windowMs + marginFor(limits.perGroup, ratio, minMs);
    this.sweepEveryMs = Math.max(this.chatSpanMs, 1_000);
  }

  /** Milliseconds until the platform as a whole may send again (penalty or overall window); 0 when it may. */
  platformWaitMs(now: number): number {
    return Math.max(0, this.platformPenaltyUntil - now, this.overall.waitMs(now));
  }

  /** What a send to `key` at `now` would get, without taking a slot. */
  check(key: string, isGroup: boolean, now: number): { ok: true } | Blocked {
    const platformWait = this.platformWaitMs(now);
    if (platformWait > 0) return { ok: false, waitMs: platformWait, scope: 'platform' };
    const chatWait = this.chatWaitMs(this.chats.get(key), isGroup, now);
    if (chatWait > 0) return { ok: false, waitMs: chatWait, scope: 'chat' };
    return { ok: true };
  }

  /** Takes a slot in every window that applies when all allow a send at `now`; otherwise says how long to wait. */
  tryAcquire(key: string, isGroup: boolean, now: number): Admission {
    this.sweep(now);
    const verdict = this.check(key, isGroup, now);
    if (!verdict.ok) return verdict;
    const state = this.stateFor(key);
    state.chat ??= new SlidingWindow(this.limits.perChat.limit, this.chatSpanMs);
    if (isGroup) state.group ??= new SlidingWindow(this.limits.perGroup.limit, this.groupSpanMs);
    const windows = [this.overall, state.chat, ...(isGroup && state.group ? [state.group] : [])];
    for (const w of windows) w.push(now);
    return {
      ok: true,
      grant: {
        start: (at) => {
          for (const w of windows) w.restamp(now, at);
          if (!this.chats.has(key)) this.chats.set(key, state);
          return at >= this.platformPenaltyUntil && at >= state.penaltyUntil;
        },
      },
    };
  }

  /** The platform said this chat must wait (retry_after): nothing goes to it before `untilMs`. */
  penalizeChat(key: string, untilMs: number): void {
    const state = this.stateFor(key);
    state.penaltyUntil = Math.max(state.penaltyUntil, untilMs);
  }

  /** The platform said the limit is global: nothing goes out on this platform before `untilMs`. */
  penalizePlatform(untilMs: number): void {
    this.platformPenaltyUntil = Math.max(this.platformPenaltyUntil, untilMs);
  }

  /** Milliseconds left of the penalties (platform or chat) that hold this chat; 0 when none. */
  penaltyWaitMs(key: string, now: number): number {
    return Math.max(0, this.platformPenaltyUntil - now, (this.chats.get(key)?.penaltyUntil ?? -Infinity) - now);
  }

  /** How many chats the limiter currently remembers. */
  get trackedChats(): number {
    return this.chats.size;
  }

  private chatWaitMs(state: ChatState | undefined, isGroup: boolean, now: number): number {
    if (!state) return 0;
    return Math.max(
      0,
      state.penaltyUntil - now,
      state.chat?.waitMs(now) ?? 0,
      isGroup ? (state.group?.waitMs(now) ?? 0) : 0,
    );
  }

  private stateFor(key: string): ChatState {
    let state = this.chats.get(key);
    if (!state) {
      state = { chat: undefined, group: undefined, penaltyUntil: -Infinity };
      this.chats.set(key, state);
    }
    return state;
  }

  /** Forgets chats with no send inside any window and no penalty left. */
  private sweep(now: number): void {
    if (now - this.lastSweep < this.sweepEveryMs) return;
    this.lastSweep = now;
    for (const [key, s] of this.chats) {
      if (s.penaltyUntil <= now && (!s.chat || s.chat.isClear(now)) && (!s.group || s.group.isClear(now))) this.chats.delete(key);
    }
  }
}
