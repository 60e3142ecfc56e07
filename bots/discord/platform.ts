// Discord's ChatPlatform over discord.js's REST client: channel messages and DMs, replies, files, edits; 429s handed to the dispatcher, not waited out.
import { Agent } from 'undici';
import { REST, RESTEvents } from 'discord.js';
import { Routes, type APIChannel, type APIMessage } from 'discord-api-types/v10';
import type { ChatPlatform, PlatformLimits, RouteRef, SendResult } from '../../core/delivery/chat-platform';
import { DeliveryError } from '../../core/errors';
import type { ContentKind, OutboundMessage, Recipient } from '../../core/types';
import { toDeliveryError } from './errors';
import { DISCORD_LIMITS } from './limits';
import { alertWithStatus, renderFiles, renderMessage } from './render';
import { silentLogger, type Logger } from '../../core/logger';

export interface DiscordRestOptions {
  token: string;
  /** DISCORD_API_URL: https://discord.com/api by default, or the emulator's. */
  apiUrl?: string | undefined;
  /** How long one call may take. Default 15 s. */
  timeoutMs?: number | undefined;
}

/**
 * A REST client for deliveries: no retries and no waiting on a 429 (the dispatcher owns retries and
 * the limits), a bounded timeout.
 */
export function sendingRest(options: DiscordRestOptions): REST {
  return new REST({
    ...(options.apiUrl ? { api: options.apiUrl } : {}),
    timeout: options.timeoutMs ?? 15_000,
    retries: 0,
    rejectOnRateLimit: () => true,
    // The dispatcher adds its own margin to a retry_after; discord.js's 50 ms would count twice.
    offset: 0,
    // Its own undici dispatcher: without one it takes the process-wide one, which another library's undici (bolt's 7.x)
    // may have installed, and that one cannot read a 6.x FormData body (a chart's upload failed "action is not a function").
    agent: new Agent(),
  }).setToken(options.token);
}

/** How many DM channels may be opening at once (see `dmOpeningRests`). */
export const DM_OPENERS = 8;

/**
 * REST clients for opening DM channels, `count` of them. discord.js sends the requests of one route
 * bucket one after another, and every DM channel opens on the same route: through one client a
 * first-DM fan-out would go at one round trip per DM (about 20 a second at 50 ms). Several clients
 * open several at once; the dispatcher's limiter still counts each request (`requestsFor`).
 */
export function dmOpeningRests(options: DiscordRestOptions, count = DM_OPENERS): REST[] {
  return Array.from({ length: count }, () => sendingRest(options));
}

/** discord.js's name for the route that opens DM channels. */
const OPEN_DM_ROUTE = '/users/@me/channels';

export class DiscordPlatform implements ChatPlatform {
  readonly name = 'discord' as const;
  readonly defaultLimits: PlatformLimits = DISCORD_LIMITS;
  /** A person's DM channel, once opened (Discord gives the same one each time). */
  private readonly dmChannels = new Map<string, string>();
  private readonly openers: readonly REST[];
  private nextOpener = 0;
  /** Opening DM channels waits until then (ms since the epoch): Discord said that route's bucket is empty, or answered 429 on it. */
  private openPausedUntil = 0;

  private readonly logger: Logger;

  /** `dmOpeners`: the clients that open DM channels (default: `rest` alone, one DM channel opening at a time). */
  constructor(private readonly rest: REST, options: { dmOpeners?: readonly REST[]; logger?: Logger | undefined } = {}) {
    this.openers = options.dmOpeners && options.dmOpeners.length > 0 ? options.dmOpeners : [rest];
    this.logger = options.logger ?? silentLogger;
    // Each client learns the route's limit only from its own answers: share what any of them hears.
    for (const opener of this.openers) {
      opener.on(RESTEvents.Response, (request, response) => {
        if (request.route === OPEN_DM_ROUTE) this.noteOpenLimit(response.headers);
      });
    }
  }

  /** A person's first DM opens their DM channel first: one request more; an update also edits its alert: one more. */
  requestsFor(to: Recipient, kind: ContentKind): number {
    return 1 + (to.direct && !this.dmChannels.has(to.chatId) ? 1 : 0) + (kind === 'update' ? 1 : 0);
  }

  /** Message sends are bucketed per channel, as Discord's message route is. */
  routeOf(to: Recipient): RouteRef {
    return { route: 'messages', bucket: to.direct ? `dm:${to.chatId}` : to.chatId };
  }

  /** Posts the message (a snapshot with its chart as a file); an update, once its reply went, also marks its alert's status (not a digest's: `replyToDigest`). */
  async send(to: Recipient, message: OutboundMessage): Promise<SendResult> {
    const channelId = await this.channelOf(to);
    let sent: APIMessage;
    try {
      const files = renderFiles(message);
      sent = (await this.rest.post(Routes.channelMessages(channelId), { body: renderMessage(message), ...(files.length > 0 ? { files } : {}) })) as APIMessage;
    } catch (err) {
      throw toDeliveryError(err);
    }
    if (message.kind === 'update' && message.replyToMessageId && !message.replyToDigest) await this.markStatus(channelId, message.replyToMessageId, message);
    return { messageId: sent.id };
  }

  /**
   * Edits the alert's embed to show the signal's status. Best effort: the update's reply already went,
   * so a failed edit (the alert deleted, a 429, an outage) is logged and the update still counts as sent.
   */
  private async markStatus(channelId: string, alertId: string, message: Extract<OutboundMessage, { kind: 'update' }>): Promise<void> {
    try {
      await this.rest.patch(Routes.channelMessage(channelId, alertId), { body: alertWithStatus(message.signal, message.updates, message.alertDelayedMinutes) });
    } catch (err) {
      const failure = toDeliveryError(err);
      this.logger.warn({ channelId, alertId, update: message.update.id, error: failure.message }, "the update went but the alert's status could not be edited");
    }
  }

  async edit(to: Recipient, messageId: string, message: OutboundMessage): Promise<void> {
    const channelId = await this.channelOf(to);
    try {
      // What the new message lacks (an alert's embed, a notice's buttons) goes, rather than staying from the old one.
      await this.rest.patch(Routes.channelMessage(channelId, messageId), { body: { content: '', embeds: [], components: [], ...renderMessage(message) } });
    } catch (err) {
      throw toDeliveryError(err);
    }
  }

  /** An empty bucket (remaining 0) or a 429 that is not global on the DM-channel route pauses every opening until it resets. */
  private noteOpenLimit(headers: { get(name: string): string | null }): void {
    const now = Date.now();
    const resetAfter = Number(headers.get('x-ratelimit-reset-after'));
    const retryAfter = Number(headers.get('retry-after'));
    if (headers.get('x-ratelimit-remaining') === '0' && resetAfter > 0) this.openPausedUntil = Math.max(this.openPausedUntil, now + resetAfter * 1000);
    if (retryAfter > 0 && headers.get('x-ratelimit-global') === null) this.openPausedUntil = Math.max(this.openPausedUntil, now + retryAfter * 1000);
  }

  /** A channel's id as it is; a person's DM channel opened on first use (unless Discord's limit on opening them says wait). */
  private async channelOf(to: Recipient): Promise<string> {
    if (to.platform !== 'discord') throw DeliveryError.permanent(`a ${to.platform} recipient cannot be reached on discord`, 'bad_request');
    if (!to.direct) return to.chatId;
    const known = this.dmChannels.get(to.chatId);
    if (known) return known;
    const wait = this.openPausedUntil - Date.now();
    if (wait > 0) throw DeliveryError.rateLimited(`opening DM channels waits ${wait} ms for Discord's limit on that route`, wait, { scope: 'chat', platformCode: 'dm_open_limit' });
    try {
      const opener = this.openers[this.nextOpener++ % this.openers.length] as REST;
      const channel = (await opener.post(Routes.userChannels(), { body: { recipient_id: to.chatId } })) as APIChannel;
      this.dmChannels.set(to.chatId, channel.id);
      return channel.id;
    } catch (err) {
      throw toDeliveryError(err);
    }
  }
}
