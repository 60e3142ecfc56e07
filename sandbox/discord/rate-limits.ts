// Discord's rate limits: per-route buckets (by major parameter), a global requests-per-second cap,
// injectable 429s with a chosen scope, and the invalid-request count Discord bans on (10 minutes).
import { createHash } from 'node:crypto';
import type { Clock } from '../../core/clock';

export type RateLimitScope = 'user' | 'global' | 'shared';

/** A route's window: `limit` requests per `windowMs` for each major parameter. */
export interface RouteWindow {
  limit: number;
  windowMs: number;
}

export interface DiscordLimits {
  /** Requests per second across every route (Discord: 50). */
  globalPerSecond: number;
  /** The window of a route with none of its own. */
  defaultRoute: RouteWindow;
  /** Windows by route key, "METHOD /template" (e.g. "POST /channels/:id/messages"). */
  routes: Record<string, RouteWindow>;
}

export const defaultDiscordLimits: DiscordLimits = {
  globalPerSecond: 50,
  defaultRoute: { limit: 10, windowMs: 10_000 },
  routes: {
    'POST /channels/:id/messages': { limit: 5, windowMs: 5_000 },
    'PATCH /channels/:id/messages/:mid': { limit: 5, windowMs: 5_000 },
    'PUT /guilds/:id/members/:user/roles/:role': { limit: 10, windowMs: 10_000 },
    'DELETE /guilds/:id/members/:user/roles/:role': { limit: 10, windowMs: 10_000 },
  },
};

/** 429s to give on purpose: the next `count` requests, or a `share` (0..1) of them, spread evenly. */
export interface Injected429 {
  scope: RateLimitScope;
  retryAfterSeconds: number;
  count?: number;
  share?: number;
  /** Only requests on this route key ("POST /channels/:id/messages"). */
  route?: string;
}

export interface RateLimitStats {
  /** 401, 403 and 429 answers (shared-scope 429s excepted) in the last 10 minutes. */
  invalidRequests: number;
  /** 429s given, by scope. */
  limited: Record<RateLimitScope, number>;
  /** Injected 429s given. */
  injected: number;
}

/** What a request gets: headers always, and a 429 body when it is refused. */
export interface LimitDecision {
  headers: Record<string, string>;
  refused?: { scope: RateLimitScope; retryAfter: number };
}

const INVALID_WINDOW_MS = 10 * 60_000;

interface Window {
  start: number;
  used: number;
}

export class DiscordRateLimiter {
  private readonly limits: DiscordLimits;
  private readonly windows = new Map<string, Window>();
  private global: Window = { start: 0, used: 0 };
  private injections: (Injected429 & { credit: number })[] = [];
  private invalid: number[] = [];
  private readonly counts = { user: 0, global: 0, shared: 0, injected: 0 };

  constructor(
    private readonly clock: Clock,
    limits: Partial<DiscordLimits> = {},
  ) {
    this.limits = { ...defaultDiscordLimits, ...limits, routes: { ...defaultDiscordLimits.routes, ...(limits.routes ?? {}) } };
  }

  /** Gives 429s on purpose (see `Injected429`). */
  inject(injection: Injected429): void {
    this.injections.push({ ...injection, credit: 0 });
  }

  /** Decides one request on `route` (its key) for `major` (the channel or guild id, or ''); interactions skip the global cap. */
  check(route: string, major: string, options: { global?: boolean } = {}): LimitDecision {
    const counted = options.global ?? true;
    const now = this.clock.now();
    const window = this.limits.routes[route] ?? this.limits.defaultRoute;
    const bucket = createHash('sha1').update(route).digest('hex').slice(0, 16);
    const key = `${route}|${major}`;
    let current = this.windows.get(key);
    if (!current || now >= current.start + window.windowMs) {
      current = { start: now, used: 0 };
      this.windows.set(key, current);
    }
    const resetAt = current.start + window.windowMs;
    const headers = (remaining: number): Record<string, string> => ({
      'x-ratelimit-limit': String(window.limit),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': ((resetAt) / 1000).toFixed(3),
      'x-ratelimit-reset-after': ((resetAt - now) / 1000).toFixed(3),
      'x-ratelimit-bucket': bucket,
    });

    const injected = this.takeInjection(route);
    if (injected) {
      this.counts.injected += 1;
      return this.refuse(headers(Math.max(0, window.limit - current.used)), injected.scope, injected.retryAfterSeconds);
    }
    if (now >= this.global.start + 1000) this.global = { start: now, used: 0 };
    if (counted && this.global.used >= this.limits.globalPerSecond) {
      return this.refuse(headers(Math.max(0, window.limit - current.used)), 'global', (this.global.start + 1000 - now) / 1000);
    }
    if (current.used >= window.limit) return this.refuse(headers(0), 'user', (resetAt - now) / 1000);
    if (counted) this.global.used += 1;
    current.used += 1;
    return { headers: headers(window.limit - current.used) };
  }

  /** Counts a 401 or 403 answer toward the invalid-request window. */
  countInvalid(): void {
    this.invalid.push(this.clock.now());
  }

  stats(): RateLimitStats {
    const since = this.clock.now() - INVALID_WINDOW_MS;
    this.invalid = this.invalid.filter((at) => at > since);
    return {
      invalidRequests: this.invalid.length,
      limited: { user: this.counts.user, global: this.counts.global, shared: this.counts.shared },
      injected: this.counts.injected,
    };
  }

  reset(): void {
    this.windows.clear();
    this.global = { start: 0, used: 0 };
    this.injections = [];
    this.invalid = [];
    Object.assign(this.counts, { user: 0, global: 0, shared: 0, injected: 0 });
  }

  private refuse(headers: Record<string, string>, scope: RateLimitScope, retryAfter: number): LimitDecision {
    this.counts[scope] += 1;
    if (scope !== 'shared') this.countInvalid();
    const seconds = Math.max(0.001, Number(retryAfter.toFixed(3)));
    const out: Record<string, string> = { ...headers, 'x-ratelimit-scope': scope, 'retry-after': String(Math.ceil(seconds)) };
    if (scope === 'global') {
      out['x-ratelimit-global'] = 'true';
      for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'x-ratelimit-reset-after', 'x-ratelimit-bucket']) delete out[name];
    }
    return { headers: out, refused: { scope, retryAfter: seconds } };
  }

  private takeInjection(route: string): Injected429 | undefined {
    for (const injection of this.injections) {
      if (injection.route && injection.route !== route) continue;
      if (injection.count !== undefined) {
        injection.count -= 1;
        if (injection.count <= 0) this.injections = this.injections.filter((i) => i !== injection);
        return injection;
      }
      injection.credit += injection.share ?? 0;
      if (injection.credit >= 1) {
        injection.credit -= 1;
        return injection;
      }
    }
    return undefined;
  }
}

/** The body of a 429 as Discord sends it. */
export function rateLimitBody(refused: { scope: RateLimitScope; retryAfter: number }): { message: string; retry_after: number; global: boolean } {
  return { message: 'You are being rate limited.', retry_after: refused.retryAfter, global: refused.scope === 'global' };
}
