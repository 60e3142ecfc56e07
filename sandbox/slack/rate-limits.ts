// Slack's rate limits: each Web API method's tier (per workspace and method, per minute), and
// chat.postMessage's own rule (about one a second per channel with short bursts, under a workspace
// ceiling). A refusal puts the channel or workspace in penalty for its Retry-After; posts that
// arrive during a penalty are counted, as are 429s injected on purpose.
import type { Clock } from '../../core/clock';
import type { RateWindow } from '../../core/delivery/chat-platform';
import { WindowLog } from '../base/window-log';

export type Tier = 1 | 2 | 3 | 4;

export interface SlackLimits {
  /** Calls per workspace and method for each tier (Slack: 1+, 20+, 50+, 100+ a minute). */
  tiers: Record<Tier, RateWindow>;
  /** The tier of each method; methods not listed are Tier 3. chat.postMessage has its own rule below. */
  methodTiers: Record<string, Tier>;
  /** chat.postMessage per channel: about 1 a second, short bursts allowed. */
  postPerChannel: RateWindow;
  /** chat.postMessage per workspace, across its channels. */
  postPerWorkspace: RateWindow;
}

/** Limits to change: what is not given keeps Slack's default (tiers and methods one by one). */
export type SlackLimitsInput = Partial<Omit<SlackLimits, 'tiers'>> & { tiers?: Partial<Record<Tier, RateWindow>> };

export const defaultSlackLimits: SlackLimits = {
  tiers: {
    1: { limit: 1, windowMs: 60_000 },
    2: { limit: 20, windowMs: 60_000 },
    3: { limit: 50, windowMs: 60_000 },
    4: { limit: 100, windowMs: 60_000 },
  },
  methodTiers: {
    'apps.uninstall': 1,
    'apps.connections.open': 1,
    'conversations.list': 2,
    'users.list': 2,
    'auth.revoke': 3,
    'chat.update': 3,
    'conversations.info': 3,
    'conversations.join': 3,
    'conversations.open': 3,
    'auth.test': 4,
    'chat.postEphemeral': 4,
    // Slack's method pages give both upload methods Tier 4.
    'files.completeUploadExternal': 4,
    'files.getUploadURLExternal': 4,
    'oauth.v2.access': 4,
    'users.info': 4,
  },
  postPerChannel: { limit: 5, windowMs: 5_000 },
  postPerWorkspace: { limit: 300, windowMs: 60_000 },
};

export type LimitScope = 'tier' | 'channel' | 'workspace' | 'injected';

export interface SlackRateStats {
  /** 429s given, by what refused them. */
  limited: Record<LimitScope, number>;
  /** chat.postMessage calls refused 429 (any scope). */
  refusedPosts: number;
  /** chat.postMessage calls that arrived while their channel or workspace was in penalty (a client ignoring Retry-After). */
  postsInPenalty: number;
}

export interface LimitDecision {
  /** Whole seconds for the Retry-After header, when refused. */
  retryAfter?: number;
  scope?: LimitScope;
}

interface Injection {
  share: number;
  credit: number;
  method: string;
  retryAfterSeconds: number;
}

export class SlackRateLimiter {
  readonly limits: SlackLimits;
  private readonly logs = new Map<string, WindowLog>();
  private readonly penalties = new Map<string, number>();
  private injections: Injection[] = [];
  private stats_: SlackRateStats = SlackRateLimiter.emptyStats();

  constructor(
    private readonly clock: Clock,
    limits: SlackLimitsInput = {},
  ) {
    this.limits = { ...defaultSlackLimits, ...limits, tiers: { ...defaultSlackLimits.tiers, ...(limits.tiers ?? {}) }, methodTiers: { ...defaultSlackLimits.methodTiers, ...(limits.methodTiers ?? {}) } };
  }

  private static emptyStats(): SlackRateStats {
    return { limited: { tier: 0, channel: 0, workspace: 0, injected: 0 }, refusedPosts: 0, postsInPenalty: 0 };
  }

  /** Answers a `share` (0..1) of `method`'s calls 429 with `retryAfterSeconds`, spread evenly. */
  inject(share: number, method = 'chat.postMessage', retryAfterSeconds = 1): void {
    if (!(share >= 0 && share <= 1)) throw new Error(`Slack emulator: inject429 share must be between 0 and 1, got ${share}`);
    this.injections = this.injections.filter((i) => i.method !== method);
    if (share > 0) this.injections.push({ share, credit: 0, method, retryAfterSeconds });
  }

  tierOf(method: string): Tier {
    return this.limits.methodTiers[method] ?? 3;
  }

  /** Decides one call of `method` by workspace `team` (a post names its `channel`). */
  check(method: string, team: string, channel?: string): LimitDecision {
    const now = this.clock.now();
    const isPost = method === 'chat.postMessage';
    const keys = isPost ? [`post|${team}|${channel ?? ''}`, `post|${team}`] : [`${method}|${team}`];
    if (isPost && keys.some((k) => (this.penalties.get(k) ?? 0) > now)) this.stats_.postsInPenalty += 1;

    const injection = this.injections.find((i) => i.method === method);
    if (injection) {
      injection.credit += injection.share;
      if (injection.credit >= 1 - 1e-9) {
        injection.credit -= 1;
        return this.refuse(isPost, 'injected', injection.retryAfterSeconds, []);
      }
    }
    const windows: [string, RateWindow, LimitScope][] = isPost
      ? [[keys[0]!, this.limits.postPerChannel, 'channel'], [keys[1]!, this.limits.postPerWorkspace, 'workspace']]
      : [[keys[0]!, this.limits.tiers[this.tierOf(method)], 'tier']];
    for (const [key, window, scope] of windows) {
      const log = this.log(key);
      if (log.count(now, window.windowMs) >= window.limit) {
        const seconds = Math.max(1, Math.ceil(log.waitMs(now, window) / 1000));
        return this.refuse(isPost, scope, seconds, [key], now);
      }
    }
    for (const [key] of windows) this.log(key).add(now);
    return {};
  }

  stats(): SlackRateStats {
    return { ...this.stats_, limited: { ...this.stats_.limited } };
  }

  reset(): void {
    this.logs.clear();
    this.penalties.clear();
    this.injections = [];
    this.stats_ = SlackRateLimiter.emptyStats();
  }

  private log(key: string): WindowLog {
    let log = this.logs.get(key);
    if (!log) {
      log = new WindowLog();
      this.logs.set(key, log);
    }
    return log;
  }

  private refuse(isPost: boolean, scope: LimitScope, retryAfter: number, keys: string[], now = this.clock.now()): LimitDecision {
    this.stats_.limited[scope] += 1;
    if (isPost) this.stats_.refusedPosts += 1;
    for (const key of keys) this.penalties.set(key, Math.max(this.penalties.get(key) ?? 0, now + retryAfter * 1000));
    return { retryAfter, scope };
  }
}
