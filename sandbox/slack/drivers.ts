// Slack and its people acting on the app: a slash command, a button click, an Events API event
// (with Slack's retries), the URL check, "Allow" on the install page, an uninstall, a token
// revocation. Each goes to the app signed as Slack signs, over HTTP or Socket Mode.
import type { Deliverer, DeliveryResult, SigningOptions } from './delivery';
import { revokeTokens, uninstallApp, type OAuthCodes } from './installs';
import type { ResponsePost, ResponseUrlBook, ResponseUrlRecord } from './response-urls';
import type { EphemeralMessage, SlackChannel, SlackState, Workspace } from './state';

export interface DriverContext {
  state: SlackState;
  responses: ResponseUrlBook;
  deliverer: Deliverer;
  codes: OAuthCodes;
  /** The emulator's base URL, for response URLs. */
  baseUrl(): string;
  /** Delays before each retry of an unanswered event (Slack: at once, after 1 minute, after 5). */
  eventRetryDelaysMs: number[];
}

/** What a command or click got: the app's answer, and its response_url to await posts on. */
export interface InteractionResult extends DeliveryResult {
  responseUrl: string;
  responseUrlId: string;
  triggerId: string;
  /** The answer the app put in its ack, as Slack showed it (an ephemeral message, for a command). */
  ackResponse?: ResponsePost;
  /** Resolves with the posts to the response_url once there are `count` (or after `timeoutMs` with what came). */
  responses(count?: number, timeoutMs?: number): Promise<ResponsePost[]>;
}

export interface SlashCommandInput extends SigningOptions {
  team: string;
  user: string;
  /** A channel id; the person's DM with the app when absent. */
  channel?: string;
  command?: string;
  text?: string;
}

export interface ClickButtonInput extends SigningOptions {
  team: string;
  user: string;
  channel: string;
  /** The message holding the button: a channel message's ts, or an ephemeral message (from `ephemeralsFor` or a response post). */
  message: string | EphemeralMessage;
  actionId: string;
  /** The value sent; the button's own by default. */
  value?: string;
}

function person(ws: Workspace, userId: string) {
  const user = ws.users.get(userId);
  if (!user) throw new Error(`Slack emulator: no user ${userId} in ${ws.id}`);
  return user;
}

function requireInstalled(ws: Workspace): void {
  if (!ws.installed) throw new Error(`Slack emulator: the app is not installed in ${ws.id} (Slack would not offer its command)`);
}

function channelFor(ctx: DriverContext, ws: Workspace, userId: string, channelId: string | undefined): SlackChannel {
  if (!channelId) return ctx.state.dmWith(ws, userId);
  const channel = ws.channels.get(channelId);
  if (!channel) throw new Error(`Slack emulator: no channel ${channelId} in ${ws.id}`);
  return channel;
}

function triggerId(ctx: DriverContext): string {
  return `${Math.floor(Math.random() * 1e10)}.${Math.floor(Math.random() * 1e10)}.${ctx.state.ids.secret(16)}`;
}

function withResponses(ctx: DriverContext, result: DeliveryResult, record: ResponseUrlRecord, trigger: string, ackResponse?: ResponsePost): InteractionResult {
  return {
    ...result,
    responseUrl: `${ctx.baseUrl()}/response/${record.id}`,
    responseUrlId: record.id,
    triggerId: trigger,
    ...(ackResponse ? { ackResponse } : {}),
    responses: (count = 1, timeoutMs = 5_000) => ctx.responses.waitFor(record.id, count, timeoutMs),
  };
}

/** A person runs `/signals …` (or another command) in a channel or their DM with the app. */
export async function slashCommand(ctx: DriverContext, input: SlashCommandInput): Promise<InteractionResult> {
  const ws = ctx.state.workspace(input.team);
  requireInstalled(ws);
  const user = person(ws, input.user);
  const channel = channelFor(ctx, ws, user.id, input.channel);
  const record = ctx.responses.create(ws.id, channel.id, user.id, { kind: 'command' });
  const trigger = triggerId(ctx);
  const fields: Record<string, string> = {
    token: ctx.state.app.verificationToken,
    team_id: ws.id,
    team_domain: ws.domain,
    ...(ws.enterpriseId ? { enterprise_id: ws.enterpriseId } : {}),
    channel_id: channel.id,
    channel_name: channel.isIm ? 'directmessage' : channel.name,
    user_id: user.id,
    user_name: user.name,
    command: input.command ?? '/signals',
    text: input.text ?? '',
    api_app_id: ctx.state.app.id,
    is_enterprise_install: 'false',
    response_url: `${ctx.baseUrl()}/response/${record.id}`,
    trigger_id: trigger,
  };
  const result = await ctx.deliverer.deliver({ kind: 'form', body: fields, envelope: 'slash_commands', socketPayload: fields }, input);
  const answered = result.status === 200 && result.body !== '' && result.body !== undefined;
  const ackResponse = answered ? ctx.responses.fromAck(record.id, result.body) : undefined;
  return withResponses(ctx, result, record, trigger, ackResponse);
}

type Obj = Record<string, unknown>;

/** The button with `actionId` in the blocks, with its block id. */
function findButton(blocks: unknown[] | undefined, actionId: string): { button: Obj; blockId: string } | undefined {
  for (const block of (blocks ?? []) as Obj[]) {
    const elements = [...(Array.isArray(block.elements) ? (block.elements as Obj[]) : []), ...(block.accessory ? [block.accessory as Obj] : [])];
    const button = elements.find((el) => el.type === 'button' && el.action_id === actionId);
    if (button) return { button, blockId: typeof block.block_id === 'string' ? block.block_id : 'emulator-block' };
  }
  return undefined;
}

/** A person clicks a button on the app's message (in the channel, or on an ephemeral answer): a `block_actions` payload. */
export async function clickButton(ctx: DriverContext, input: ClickButtonInput): Promise<InteractionResult> {
  const ws = ctx.state.workspace(input.team);
  requireInstalled(ws);
  const user = person(ws, input.user);
  const channel = channelFor(ctx, ws, user.id, input.channel);
  const ephemeral = typeof input.message === 'string' ? undefined : input.message;
  const message = typeof input.message === 'string' ? ctx.state.findMessage(channel.id, input.message) : undefined;
  const blocks = ephemeral ? ephemeral.blocks : message?.blocks;
  if (!ephemeral && !message) throw new Error(`Slack emulator: no message ${String(input.message)} in ${channel.id}`);
  if (ephemeral && (ephemeral.user !== user.id || ephemeral.deleted)) throw new Error(`Slack emulator: ${user.id} cannot see that ephemeral message`);
  const found = findButton(blocks, input.actionId);
  if (!found) throw new Error(`Slack emulator: no button ${input.actionId} on that message`);
  const record = ctx.responses.create(ws.id, channel.id, user.id, ephemeral ? { kind: 'ephemeral', ephemeral } : { kind: 'message', channel: channel.id, ts: message!.ts });
  const trigger = triggerId(ctx);
  const ts = ephemeral?.ts ?? message!.ts;
  const buttonText = found.button.text as Obj | undefined;
  const payload = {
    type: 'block_actions',
    user: { id: user.id, username: user.name, name: user.name, team_id: ws.id },
    api_app_id: ctx.state.app.id,
    token: ctx.state.app.verificationToken,
    container: { type: 'message', message_ts: ts, channel_id: channel.id, is_ephemeral: ephemeral !== undefined },
    trigger_id: trigger,
    team: { id: ws.id, domain: ws.domain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel.id, name: channel.isIm ? 'directmessage' : channel.name },
    ...(message ? { message: { type: 'message', user: message.user, ts: message.ts, text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}), ...(message.botId ? { bot_id: message.botId } : {}) } } : {}),
    state: { values: {} },
    response_url: `${ctx.baseUrl()}/response/${record.id}`,
    actions: [
      {
        action_id: input.actionId,
        block_id: found.blockId,
        text: buttonText ?? { type: 'plain_text', text: '' },
        ...(input.value ?? found.button.value !== undefined ? { value: input.value ?? (found.button.value as string) } : {}),
        type: 'button',
        action_ts: ctx.state.ids.ts(),
      },
    ],
  };
  const result = await ctx.deliverer.deliver({ kind: 'form', body: { payload: JSON.stringify(payload) }, envelope: 'interactive', socketPayload: payload }, input);
  return withResponses(ctx, result, record, trigger);
}

export interface EventResult {
  /** Every attempt, the first one and Slack's retries. */
  attempts: DeliveryResult[];
  eventId: string;
  envelope: Record<string, unknown>;
}

const delivered = (r: DeliveryResult): boolean => r.status >= 200 && r.status < 300;

/** An Events API `event_callback` for the workspace; retried (X-Slack-Retry-Num) when the app does not answer 2xx in time, if `retries`. */
export async function sendEvent(ctx: DriverContext, teamId: string, event: Record<string, unknown>, options: SigningOptions & { retries?: boolean } = {}): Promise<EventResult> {
  const ws = ctx.state.workspace(teamId);
  const now = ctx.state.clock.now();
  const eventId = `Ev${ctx.state.ids.next('').slice(1)}`;
  const botUserId = ws.bot?.id ?? '';
  const envelope: Record<string, unknown> = {
    token: ctx.state.app.verificationToken,
    team_id: ws.id,
    ...(ws.enterpriseId ? { enterprise_id: ws.enterpriseId } : {}),
    api_app_id: ctx.state.app.id,
    event: { event_ts: ctx.state.ids.ts(), ...event },
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(now / 1000),
    authorizations: [{ enterprise_id: ws.enterpriseId ?? null, team_id: ws.id, user_id: botUserId, is_bot: true, is_enterprise_install: false }],
    authed_users: [botUserId],
    is_ext_shared_channel: false,
    event_context: `4-${Buffer.from(`${ws.id}:${eventId}`).toString('base64url')}`,
  };
  const attempts = [await ctx.deliverer.deliver({ kind: 'json', body: envelope, envelope: 'events_api', socketPayload: envelope }, options)];
  if (options.retries) {
    for (const [i, delay] of ctx.eventRetryDelaysMs.entries()) {
      const last = attempts[attempts.length - 1]!;
      if (delivered(last)) break;
      await ctx.state.clock.sleep(delay);
      const reason = last.timedOut ? 'http_timeout' : last.status === 0 ? 'connection_failed' : 'http_error';
      attempts.push(await ctx.deliverer.deliver({ kind: 'json', body: envelope, envelope: 'events_api', socketPayload: envelope }, options, { attempt: i + 1, reason }));
    }
  }
  return { attempts, eventId, envelope };
}

/** Slack's check of a new request URL: `url_verification` with a challenge the app must echo. */
export async function urlVerification(ctx: DriverContext, options: SigningOptions = {}): Promise<DeliveryResult & { challenge: string }> {
  const challenge = ctx.state.ids.secret(16);
  const result = await ctx.deliverer.deliver({ kind: 'json', body: { token: ctx.state.app.verificationToken, challenge, type: 'url_verification' }, envelope: 'events_api', socketPayload: {} }, options);
  return { ...result, challenge };
}

export interface AuthorizeInput {
  team: string;
  user: string;
  scopes?: string[];
  redirectUri: string;
  state?: string;
  /** The client id the install link carried; the app's when absent. */
  clientId?: string;
}

/** A person clicks "Allow" on the install page: the redirect URL with a fresh code and the state. */
export function authorize(ctx: DriverContext, input: AuthorizeInput): string {
  const ws = ctx.state.workspace(input.team);
  person(ws, input.user);
  if ((input.clientId ?? ctx.state.app.clientId) !== ctx.state.app.clientId) throw new Error('Slack emulator: invalid_client_id');
  const allowed = ctx.state.app.redirectUrls;
  if (allowed.length > 0 && !allowed.some((u) => input.redirectUri.startsWith(u))) throw new Error('Slack emulator: bad_redirect_uri (not among the app\'s redirect URLs)');
  const code = ctx.codes.issue(ws.id, input.user, input.scopes ?? ctx.state.app.scopes, input.redirectUri);
  const url = new URL(input.redirectUri);
  url.searchParams.set('code', code);
  if (input.state !== undefined) url.searchParams.set('state', input.state);
  return url.toString();
}

/** Someone removes the app from the workspace: tokens die (account_inactive), then `app_uninstalled` reaches the app. */
export async function uninstall(ctx: DriverContext, teamId: string): Promise<EventResult> {
  uninstallApp(ctx.state, teamId);
  return sendEvent(ctx, teamId, { type: 'app_uninstalled' });
}

/** The workspace's tokens for the app are revoked (token_revoked), then `tokens_revoked` reaches the app. */
export async function revoke(ctx: DriverContext, teamId: string): Promise<EventResult> {
  const tokens = revokeTokens(ctx.state, teamId);
  return sendEvent(ctx, teamId, { type: 'tokens_revoked', tokens });
}
