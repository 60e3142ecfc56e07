// The one interface every chat platform adapter implements for sending.
import type { RateLimitScope } from '../errors';
import type { ContentKind, OutboundMessage, PlatformName, Recipient } from '../types';

export type { RateLimitScope } from '../errors';

/** At most `limit` sends in any `windowMs` window. */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

/**
 * The windows a platform publishes, each optional: a platform declares the scopes it has.
 * - overall: every send of the bot;
 * - perTenant: every send to one tenant's chats (a guild, a workspace), keyed by the recipient's tenant;
 * - perChat: every send to one chat (recipientKey); perGroup: on top of it, for group chats;
 * - perRoute: by route name, the window of each bucket of that route (see ChatPlatform.routeOf), e.g.
 *   a method's tier per workspace.
 */
export interface PlatformWindows {
  overall?: RateWindow | undefined;
  perTenant?: RateWindow | undefined;
  perChat?: RateWindow | undefined;
  perGroup?: RateWindow | undefined;
  perRoute?: Readonly<Record<string, RateWindow>> | undefined;
}

/** A platform's published limits: its windows, and the scopes its 429s name (the contract suite checks each). */
export interface PlatformLimits extends PlatformWindows {
  retryAfterScopes: readonly RateLimitScope[];
}

/**
 * The route bucket one send uses: `route` names its window in `perRoute` (absent: no window, only
 * the platform's retry_after), `bucket` tells apart the buckets of that route (e.g. the route per
 * workspace or per channel). A 429 with scope 'route' pauses every send of the same bucket.
 */
export interface RouteRef {
  route: string;
  bucket: string;
}

export interface SendResult {
  /** The platform's id of the message it accepted (for later edits and replies). */
  messageId: string;
}

/**
 * A chat platform as the delivery engine sees it.
 * `send` resolves when the platform accepted the message and throws a
 * `DeliveryError` (never an SDK error) when it did not.
 */
export interface ChatPlatform {
  readonly name: PlatformName;
  /** The platform's published limits; settings may lower or raise them. */
  readonly defaultLimits: PlatformLimits;
  /**
   * The route bucket a send to `to` uses. Absent (or undefined): every send is one bucket, so a
   * route-scoped 429 pauses every send of the platform, and the 429's own bucket name is kept too.
   */
  routeOf?(to: Recipient): RouteRef | undefined;
  /**
   * How many requests the next send of content `kind` to `to` makes (absent: 1), e.g. 2 where a
   * direct chat must be opened first, or where an update also edits its alert; the send takes that
   * many slots in the overall and tenant windows.
   */
  requestsFor?(to: Recipient, kind: ContentKind): number;
  send(to: Recipient, message: OutboundMessage): Promise<SendResult>;
  /**
   * Where the platform edits sent messages (capabilities.edits): replaces message `messageId` in `to`
   * with `message` (a signal update marking its alert, a rationale folded in). Throws a DeliveryError.
   */
  edit?(to: Recipient, messageId: string, message: OutboundMessage): Promise<void>;
}
