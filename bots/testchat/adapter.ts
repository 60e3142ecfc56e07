// The test platform as a PlatformAdapter: sending, edits, a signed webhook for what people do, and a gate for chats and roles.
import type { NoticeSink } from '../../core/access/notices';
import { systemClock, type Clock } from '../../core/clock';
import { DeliveryError, SignalcastError } from '../../core/errors';
import { respondWithAck, type ReplyChannel } from '../../core/inbound/ack';
import type { EventHandler, InboundEvent } from '../../core/inbound/types';
import type { Logger } from '../../core/logger';
import type { AdapterContext, AdapterRequest, AdapterResponse, PlatformAdapter, PlatformCapabilities, RouteRegistrar } from '../../core/platform/adapter';
import { AdapterStartError } from '../../core/platform/errors';
import type { Recipient } from '../../core/types';
import { TestchatAccessGate } from './access';
import { networkReason, readError } from './errors';
import { readWireEvent, toInboundEvent } from './inbound';
import { TestchatApi, TestchatPlatform } from './platform';
import { renderReply, type WireMessage } from './render';
import { verifyWebhookSignature, SIGNATURE_HEADER } from './signature';

/** Where testchat's webhook is served, under the service's public URL. */
export const TESTCHAT_WEBHOOK_PATH = '/webhooks/testchat';
/** The longest message testchat takes. */
export const TESTCHAT_MAX_MESSAGE_LENGTH = 4000;

export interface TestchatAdapterSettings {
  /** TESTCHAT_URL. */
  url: string;
  /** TESTCHAT_TOKEN: the bearer token of every call, and the key the webhook's signatures are checked with. */
  token: string;
  /** Where the webhook is served (the service's PUBLIC_URL by default): at start it is registered at <publicUrl>/webhooks/testchat. None: the adapter only sends. */
  publicUrl?: string | undefined;
  /** Testchat user ids of the operators. */
  operatorIds?: readonly string[] | undefined;
  /** buttons: false runs it as a chat app without buttons (links written out); ackWithinMs: a deadline for the first answer. */
  capabilities?: { buttons?: boolean | undefined; ackWithinMs?: number | undefined } | undefined;
  /** How long one call may take. Default 10 s. */
  timeoutMs?: number | undefined;
}

/** What the service gives the factory (AdapterContext); only the logger is needed, so tests can build it bare. */
export interface TestchatAdapterContext extends Partial<Omit<AdapterContext, 'logger' | 'access'>> {
  logger: Logger;
  /** Where the access gate's messages go; without it the adapter has no gate. */
  access?: { notices: NoticeSink } | undefined;
  /** Measures the quick acknowledgement's deadline. Default the system clock. */
  clock?: Clock | undefined;
}

function checkUrl(setting: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SignalcastError('config_invalid', `${setting}: expected a URL such as http://127.0.0.1:9999`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SignalcastError('config_invalid', `${setting}: expected an http:// or https:// URL`);
  return value.replace(/\/+$/, '');
}

/** Checks the URL and token, naming the setting; the base URL without its trailing slash. */
export function checkTestchatSettings(settings: { url: string; token: string }): { url: string; token: string } {
  const url = checkUrl('TESTCHAT_URL', settings.url);
  if (!settings.token || /[\s/]/.test(settings.token)) throw new SignalcastError('config_invalid', 'TESTCHAT_TOKEN: expected a token without spaces or slashes');
  return { url, token: settings.token };
}

const failedStart = (message: string, permanent: boolean) => new AdapterStartError(message, { permanent, cause: message });
const unreachable = (err: unknown) => failedStart(`testchat could not be reached: ${networkReason(err)}`, false);

/** Builds the adapter; contacts nothing until `start`. Throws a config_invalid error naming a bad setting. */
export function createTestchatAdapter(settings: TestchatAdapterSettings, ctx: TestchatAdapterContext): PlatformAdapter {
  const { url, token } = checkTestchatSettings(settings);
  const publicBase = settings.publicUrl ?? ctx.publicUrl;
  const publicUrl = publicBase ? checkUrl('PUBLIC_URL', publicBase) : undefined;
  const logger = ctx.logger;
  const clock = ctx.clock ?? systemClock;
  const api = new TestchatApi({ url, token, timeoutMs: settings.timeoutMs });
  const capabilities: PlatformCapabilities = {
    buttons: settings.capabilities?.buttons ?? true,
    edits: true,
    threads: true,
    ephemeral: false,
    images: false,
    directMessages: true,
    freeText: true,
    maxMessageLength: TESTCHAT_MAX_MESSAGE_LENGTH,
    markup: 'plain',
    access: ['chat', 'role'],
    ackWithinMs: settings.capabilities?.ackWithinMs,
  };
  let onEvent: EventHandler | undefined;
  let username: string | undefined;
  const recent: string[] = [];

  /** Replies go back to the event's chat; an edit of a message that is gone becomes a new message. */
  const channelTo = (chat: Recipient): ReplyChannel => ({
    async send(reply) {
      const body: WireMessage = { chat: chat.chatId, ...renderReply(reply, { buttons: capabilities.buttons, maxLength: capabilities.maxMessageLength }) };
      if (chat.tenant) body.tenant = chat.tenant;
      if (chat.direct) body.direct = true;
      if (reply.editMessageId === undefined) return api.post(body);
      try {
        return await api.post(body, reply.editMessageId);
      } catch (err) {
        if (err instanceof DeliveryError && err.platformCode === 'unknown_message') return api.post(body);
        throw err;
      }
    },
  });

  async function handle(event: InboundEvent, handler: EventHandler): Promise<void> {
    if (event.type !== 'command' && event.type !== 'button' && event.type !== 'text') {
      await handler(event);
      return;
    }
    await respondWithAck(() => handler(event), channelTo(event.chat), { ackWithinMs: capabilities.ackWithinMs, edits: capabilities.edits, clock });
  }

  async function webhook(request: AdapterRequest): Promise<AdapterResponse> {
    if (!verifyWebhookSignature(token, request.rawBody, request.headers[SIGNATURE_HEADER])) return { status: 401, body: { error: 'bad signature' } };
    let parsed: unknown;
    try {
      parsed = JSON.parse(request.rawBody.toString('utf8'));
    } catch {
      return { status: 400, body: { error: 'the body is not JSON' } };
    }
    const wire = readWireEvent(parsed);
    if (!wire) return { status: 400, body: { error: 'not a testchat event' } };
    const handler = onEvent;
    if (!handler) return { status: 503, body: { error: 'not started' } };
    // A redelivered event (same id) is answered without being handled twice.
    if (recent.includes(wire.id)) return { status: 200, body: { ok: true, duplicate: true } };
    recent.push(wire.id);
    if (recent.length > 1000) recent.shift();
    const event = toInboundEvent(wire);
    if (!event) return { status: 200, body: { ok: true } };
    try {
      await handle(event, handler);
    } catch (err) {
      logger.warn({ eventId: wire.id, type: event.type, error: err instanceof Error ? err.message : String(err) }, 'could not handle a testchat event');
    }
    return { status: 200, body: { ok: true } };
  }

  return {
    name: 'testchat',
    label: 'Test chat',
    capabilities,
    sender: new TestchatPlatform(api),
    gate: ctx.access ? new TestchatAccessGate({ api, notices: ctx.access.notices, logger }) : undefined,
    operatorIds: settings.operatorIds ?? [],
    routes(registrar: RouteRegistrar) {
      registrar.add({ method: 'POST', path: TESTCHAT_WEBHOOK_PATH, handle: webhook });
    },
    async start(handler, _signal) {
      let me;
      try {
        me = await api.call('GET', api.url('/v1/me'));
      } catch (err) {
        throw unreachable(err);
      }
      if (me.status === 401) throw new AdapterStartError('TESTCHAT_TOKEN: testchat refused the token', { permanent: true, cause: 'the token was refused' });
      if (me.status !== 200) throw failedStart(`testchat answered ${me.status}: ${readError(me.status, me.json).message}`, false);
      username = String((me.json as { username?: unknown }).username ?? 'bot');
      if (publicUrl) {
        const set = await api.call('PUT', api.url('/v1/webhook'), { url: `${publicUrl}${TESTCHAT_WEBHOOK_PATH}` }).catch((err: unknown) => {
          throw unreachable(err);
        });
        if (set.status !== 200) throw failedStart(`testchat refused the webhook: ${readError(set.status, set.json).message}`, set.status === 400);
      }
      onEvent = handler;
      logger.info({ username, webhook: publicUrl !== undefined }, `testchat bot ${username} started`);
    },
    async stop() {
      onEvent = undefined;
      if (publicUrl) await api.call('DELETE', api.url('/v1/webhook')).catch(() => undefined);
    },
    deepLink(payload) {
      return username ? `${url}/u/${encodeURIComponent(username)}?start=${encodeURIComponent(payload)}` : undefined;
    },
  };
}
