// One platform's send limits in memory: overall, per chat and per group windows, plus retry_after penalties.
import type { PlatformLimits, RateWindow } from './chat-platform';
import { SlidingWindow, marginFor } from './sliding-window';

export interface RateLimiterOptions {
  /** Share of each window added as a safety margin, because the platform measures at arrival. Default 0.02. */
  marginRatio?: number;
  /** The smallest margin in milliseconds. Default 5. */
  minMarginMs?: number;
}

/** A granted send: it holds its slots until `finish` or `cancel`. */
export interface Grant {
  /** The send leaves now. False when a penalty covers `at`: then it must not go out (call `cancel`). */
  start(at: number): boolean;
  /** The platform answered (or the send failed) at `at`. True when a send was waiting for this slot. */
  finish(at: number): boolean;
  /** The send never went out. True when a send was waiting for this slot. */
  cancel(): boolean;
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
 * Guarantees that in any interval of a window's length no more than its
 * limit of sends start, and no more than its limit arrive wherever between
 * start and answer they arrive (see SlidingWindow). Group chats obey the
 * per-chat and the per-group windows. A chat in penalty blocks only itself; a
 * platform penalty blocks everything. Chats with nothing in flight and
 * nothing left in their windows are forgotten, so memory follows recent
 * traffic only.
 */
export class RateLimiter {
  private readonly overall: SlidingWindow;
  private readonly chats = new Map<string, ChatState>();
  private platformPenaltyUntil = -Infinity;
  private lastSweep = -Infinity;
  private readonly sweepEveryMs: number;
  private readonly ratio: number;
  private readonly minMarginMs: number;
  /** A send was refused because sends in flight held every slot: tell the caller when one finishes. */
  private awaitingFinish = false;

  constructor(readonly limits: PlatformLimits, options: RateLimiterOptions = {}) {
    this.ratio = options.marginRatio ?? 0.02;
    this.minMarginMs = options.minMarginMs ?? 5;
    this.overall = this.window(limits.overall);
    this.sweepEveryMs = Math.max(limits.perChat.windowMs, 1_000);
  }

  /** Milliseconds until the platform as a whole may send again (penalty or overall window); 0 when it may. */
  platformWaitMs(now: number): number {
    return Math.max(0, this.platformPenaltyUntil - now, this.waitOf(this.overall, now));
  }

  /** What a send to `key` at `now` would get, without taking a slot. */
  check(key: string, isGroup: boolean, now: number): { ok: true } | Blocked {
    const platformWait = this.platformWaitMs(now);
    if (platformWait > 0) return { ok: false, waitMs: platformWait, scope: 'platform' };
    const state = this.chats.get(key);
    if (!state) return { ok: true };
    const chatWait = Math.max(
      0,
      state.penaltyUntil - now,
      state.chat ? this.waitOf(state.chat, now) : 0,
      isGroup && state.group ? this.waitOf(state.group, now) : 0,
    );
    return chatWait > 0 ? { ok: false, waitMs: chatWait, scope: 'chat' } : { ok: true };
  }

  /** Takes a slot in every window that applies when all allow a send at `now`; otherwise says how long to wait. */
  tryAcquire(key: string, isGroup: boolean, now: number): Admission {
    this.sweep(now);
    const verdict = this.check(key, isGroup, now);
    if (!verdict.ok) return verdict;
    const state = this.stateFor(key);
    state.chat ??= this.window(this.limits.perChat);
    if (isGroup) state.group ??= this.window(this.limits.perGroup);
    const windows = isGroup && state.group ? [this.overall, state.chat, state.group] : [this.overall, state.chat];
    for (const w of windows) w.admit();
    let startedAt: number | undefined;
    let open = true;
    const release = (finish: (w: SlidingWindow) => void): boolean => {
      if (!open) return false;
      open = false;
      for (const w of windows) finish(w);
      if (!this.chats.has(key)) this.chats.set(key, state);
      const wake = this.awaitingFinish;
      this.awaitingFinish = false;
      return wake;
    };
    return {
      ok: true,
      grant: {
        start: (at) => {
          startedAt = at;
          return at >= this.platformPenaltyUntil && at >= state.penaltyUntil;
        },
        finish: (at) => release((w) => w.finish(startedAt ?? at, at)),
        cancel: () => release((w) => w.cancel()),
      },
    };
  }

  /** Milliseconds left of the penalties (platform or chat) that hold this chat; 0 when none. */
  penaltyWaitMs(key: string, now: number): number {
    return Math.max(0, this.platformPenaltyUntil - now, (this.chats.get(key)?.penaltyUntil ?? -Infinity) - now);
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

  /** How many chats the limiter currently remembers. */
  get trackedChats(): number {
    return this.chats.size;
  }

  private window(w: RateWindow): SlidingWindow {
    return new SlidingWindow(w.limit, w.windowMs, marginFor(w, this.ratio, this.minMarginMs));
  }

  /** A window's wait; when only a finish can open it, a full span (the finish wakes the caller sooner). */
  private waitOf(w: SlidingWindow, now: number): number {
    const wait = w.waitMs(now);
    if (wait !== undefined) return wait;
    this.awaitingFinish = true;
    return w.spanMs;
  }

  private stateFor(key: string): ChatState {
    let state = this.chats.get(key);
    if (!state) {
      state = { chat: undefined, group: undefined, penaltyUntil: -Infinity };
      this.chats.set(key, state);
    }
    return state;
  }

  /** Forgets chats with nothing in flight, nothing left in their windows and no penalty. */
  private sweep(now: number): void {
    if (now - this.lastSweep < this.sweepEveryMs) return;
    this.lastSweep = now;
    for (const [key, s] of this.chats) {
      if (s.penaltyUntil <= now && (!s.chat || s.chat.isClear(now)) && (!s.group || s.group.isClear(now))) this.chats.delete(key);
    }
  }
}
