// One platform's send limits in memory: overall, per tenant, per route bucket, per chat and per group windows, plus retry_after penalties by scope.
import type { PlatformLimits, RateLimitScope, RateWindow, RouteRef } from './chat-platform';
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

/** A refusal: wait this long, because of the scope named (the whole platform, a tenant, a route bucket or this chat). */
export interface Blocked {
  ok: false;
  waitMs: number;
  scope: RateLimitScope;
}

/** What the limiter says about one send: go with a grant, or wait. */
export type Admission = { ok: true; grant: Grant } | Blocked;

/** Who one send concerns: its chat (recipientKey), whether that is a group, its tenant and its route bucket. */
export interface SendKey {
  chat: string;
  isGroup: boolean;
  /** The recipient's tenant (a guild, a workspace); absent on platforms without tenants. */
  tenant?: string | undefined;
  /** The route bucket (ChatPlatform.routeOf); absent: the platform's one default bucket. */
  route?: RouteRef | undefined;
  /**
   * Requests the send makes (ChatPlatform.requestsFor; default 1): it takes that many slots in the
   * overall and tenant windows (e.g. opening a DM channel before the message). Chat and route windows count it once.
   */
  requests?: number | undefined;
}

/** One keyed scope's state: its window(s), when declared, and its retry_after penalty. */
interface ScopeState {
  window: SlidingWindow | undefined;
  group: SlidingWindow | undefined;
  penaltyUntil: number;
}

/** The bucket of sends whose adapter names none. */
const DEFAULT_BUCKET = '';

/**
 * Guarantees that in any interval of a window's length no more than its
 * limit of sends start, and no more than its limit arrive wherever between
 * start and answer they arrive (see SlidingWindow). A send obeys every
 * window its platform declares: overall, its tenant's, its route bucket's,
 * its chat's and (group chats) the group window. A retry_after pauses
 * exactly the scope the platform named: one chat, every chat of a tenant,
 * every send of a route bucket, or the whole platform. Chats, tenants and
 * buckets with nothing in flight, nothing left in their windows and no
 * penalty are forgotten, so memory follows recent traffic only.
 */
export class RateLimiter {
  private readonly overall: SlidingWindow | undefined;
  private readonly chats = new Map<string, ScopeState>();
  private readonly tenants = new Map<string, ScopeState>();
  private readonly routes = new Map<string, ScopeState>();
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
    this.overall = limits.overall && this.window(limits.overall);
    this.sweepEveryMs = Math.max(limits.perChat?.windowMs ?? 0, 1_000);
  }

  /** Milliseconds until the platform as a whole may send again (penalty or overall window, for a send of `requests`); 0 when it may. */
  platformWaitMs(now: number, requests = 1): number {
    return Math.max(0, this.platformPenaltyUntil - now, this.overall ? this.waitOf(this.overall, now, requests) : 0);
  }

  /** How many sends the platform as a whole may start now (its overall window); Infinity without one, 0 under a penalty. */
  platformCapacity(now: number): number {
    if (this.platformPenaltyUntil > now) return 0;
    return this.overall ? this.overall.available(now) : Infinity;
  }

  /** What a send at `now` would get, without taking a slot. */
  check(send: SendKey, now: number): { ok: true } | Blocked {
    const requests = send.requests ?? 1;
    const platformWait = this.platformWaitMs(now, requests);
    if (platformWait > 0) return { ok: false, waitMs: platformWait, scope: 'global' };
    if (send.tenant !== undefined) {
      const wait = this.stateWaitMs(this.tenants.get(send.tenant), false, now, requests);
      if (wait > 0) return { ok: false, waitMs: wait, scope: 'tenant' };
    }
    if (this.routes.size > 0) {
      const wait = this.stateWaitMs(this.routes.get(bucketOf(send)), false, now);
      if (wait > 0) return { ok: false, waitMs: wait, scope: 'route' };
    }
    const wait = this.stateWaitMs(this.chats.get(send.chat), send.isGroup, now);
    return wait > 0 ? { ok: false, waitMs: wait, scope: 'chat' } : { ok: true };
  }

  /** Takes a slot in every window that applies when all allow a send at `now`; otherwise says how long to wait. */
  tryAcquire(send: SendKey, now: number): Admission {
    this.sweep(now);
    const verdict = this.check(send, now);
    if (!verdict.ok) return verdict;
    const { perChat, perGroup, perTenant, perRoute } = this.limits;
    const requests = send.requests ?? 1;
    const held: [Map<string, ScopeState>, string, ScopeState][] = [];
    // Each window with the slots the send takes in it.
    const windows: [SlidingWindow, number][] = this.overall ? [[this.overall, requests]] : [];
    const chat = this.stateFor(this.chats, send.chat);
    if (perChat) windows.push([(chat.window ??= this.window(perChat)), 1]);
    if (send.isGroup && perGroup) windows.push([(chat.group ??= this.window(perGroup)), 1]);
    held.push([this.chats, send.chat, chat]);
    if (perTenant && send.tenant !== undefined) {
      const tenant = this.stateFor(this.tenants, send.tenant);
      windows.push([(tenant.window ??= this.window(perTenant)), requests]);
      held.push([this.tenants, send.tenant, tenant]);
    }
    const routeWindow = send.route && perRoute?.[send.route.route];
    if (routeWindow) {
      const bucket = bucketOf(send);
      const route = this.stateFor(this.routes, bucket);
      windows.push([(route.window ??= this.window(routeWindow)), 1]);
      held.push([this.routes, bucket, route]);
    }
    for (const [w, n] of windows) w.admit(n);
    let startedAt: number | undefined;
    let open = true;
    const release = (finish: (w: SlidingWindow, n: number) => void): boolean => {
      if (!open) return false;
      open = false;
      for (const [w, n] of windows) finish(w, n);
      for (const [map, key, state] of held) if (!map.has(key)) map.set(key, state);
      const wake = this.awaitingFinish;
      this.awaitingFinish = false;
      return wake;
    };
    return {
      ok: true,
      grant: {
        start: (at) => {
          startedAt = at;
          return this.penaltyWaitMs(send, at) === 0;
        },
        finish: (at) => release((w, n) => w.finish(startedAt ?? at, at, n)),
        cancel: () => release((w, n) => w.cancel(n)),
      },
    };
  }

  /** Milliseconds left of the penalties (platform, tenant, route bucket or chat) that hold this send; 0 when none. */
  penaltyWaitMs(send: SendKey, now: number): number {
    const tenant = send.tenant === undefined ? undefined : this.tenants.get(send.tenant);
    const route = this.routes.size > 0 ? this.routes.get(bucketOf(send)) : undefined;
    const until = Math.max(
      this.platformPenaltyUntil,
      tenant?.penaltyUntil ?? -Infinity,
      route?.penaltyUntil ?? -Infinity,
      this.chats.get(send.chat)?.penaltyUntil ?? -Infinity,
    );
    return Math.max(0, until - now);
  }

  /**
   * The platform answered `send` with a retry_after in `scope`: nothing in that scope goes out before
   * `untilMs`. 'chat' pauses this chat; 'tenant' every chat of its tenant (the whole platform when the
   * recipient has none: the safe side); 'route' every send of its bucket, and of the bucket the 429
   * named when that differs; 'global' everything.
   */
  penalize(scope: RateLimitScope, send: SendKey, untilMs: number, bucket?: string): void {
    switch (scope) {
      case 'global':
        this.platformPenaltyUntil = Math.max(this.platformPenaltyUntil, untilMs);
        return;
      case 'tenant':
        if (send.tenant === undefined) this.penalize('global', send, untilMs);
        else extend(this.stateFor(this.tenants, send.tenant), untilMs);
        return;
      case 'route':
        extend(this.stateFor(this.routes, bucketOf(send)), untilMs);
        if (bucket !== undefined && bucket !== bucketOf(send)) extend(this.stateFor(this.routes, bucket), untilMs);
        return;
      case 'chat':
        extend(this.stateFor(this.chats, send.chat), untilMs);
    }
  }

  /** How many chats the limiter currently remembers. */
  get trackedChats(): number {
    return this.chats.size;
  }

  /** How many tenants and route buckets the limiter currently remembers. */
  get trackedScopes(): { tenants: number; routes: number } {
    return { tenants: this.tenants.size, routes: this.routes.size };
  }

  private window(w: RateWindow): SlidingWindow {
    return new SlidingWindow(w.limit, w.windowMs, marginFor(w, this.ratio, this.minMarginMs));
  }

  /** A window's wait for `requests` slots; when only a finish can open it, a full span (the finish wakes the caller sooner). */
  private waitOf(w: SlidingWindow, now: number, requests = 1): number {
    const wait = w.waitMs(now, requests);
    if (wait !== undefined) return wait;
    this.awaitingFinish = true;
    return w.spanMs;
  }

  /** The wait a scope's penalty and windows impose (its window for `requests` slots); the group window only for group chats. */
  private stateWaitMs(state: ScopeState | undefined, isGroup: boolean, now: number, requests = 1): number {
    if (!state) return 0;
    return Math.max(
      0,
      state.penaltyUntil - now,
      state.window ? this.waitOf(state.window, now, requests) : 0,
      isGroup && state.group ? this.waitOf(state.group, now) : 0,
    );
  }

  private stateFor(map: Map<string, ScopeState>, key: string): ScopeState {
    let state = map.get(key);
    if (!state) {
      state = { window: undefined, group: undefined, penaltyUntil: -Infinity };
      map.set(key, state);
    }
    return state;
  }

  /** Forgets chats, tenants and buckets with nothing in flight, nothing left in their windows and no penalty. */
  private sweep(now: number): void {
    if (now - this.lastSweep < this.sweepEveryMs) return;
    this.lastSweep = now;
    for (const map of [this.chats, this.tenants, this.routes]) {
      for (const [key, s] of map) {
        if (s.penaltyUntil <= now && (!s.window || s.window.isClear(now)) && (!s.group || s.group.isClear(now))) map.delete(key);
      }
    }
  }
}

function bucketOf(send: SendKey): string {
  return send.route?.bucket ?? DEFAULT_BUCKET;
}

function extend(state: ScopeState, untilMs: number): void {
  state.penaltyUntil = Math.max(state.penaltyUntil, untilMs);
}
