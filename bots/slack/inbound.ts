// What people do in Slack, as the core's neutral events: slash commands and buttons answered ephemerally by response_url within 3 s, uninstalls.
import type { AllMiddlewareArgs, App, BlockAction, RespondFn, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../../core/clock';
import { respondWithAck, type ReplyChannel } from '../../core/inbound/ack';
import { isActionButton, type Actor, type EventHandler, type InboundEvent, type Reply } from '../../core/inbound/types';
import type { Logger } from '../../core/logger';
import { commandName, parseCommandText } from './commands';
import { clip, escapeText, LIMITS } from './render';

/** Slack waits 3 s for the HTTP answer (given at once, empty); a command's first message goes out by 2 s. */
export const SLACK_ACK_WITHIN_MS = 2_000;
/** How long a user's admin flag is trusted: a minute. */
const ADMIN_TTL_MS = 60_000;

/** A reply as Block Kit: its text as plain text sections, its buttons as actions (a link opens its URL, an action carries its data as `value`). */
export function replyBlocks(reply: Reply): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  for (let i = 0; i < reply.text.length; i += LIMITS.sectionText) blocks.push({ type: 'section', text: { type: 'plain_text', text: reply.text.slice(i, i + LIMITS.sectionText), emoji: true } });
  for (const [r, row] of (reply.buttons ?? []).entries()) {
    if (row.length === 0) continue;
    blocks.push({
      type: 'actions',
      elements: row.slice(0, LIMITS.actions).map((b, i) => ({
        type: 'button' as const, action_id: `signalcast_${r}_${i}`, text: { type: 'plain_text' as const, text: clip(b.label, LIMITS.buttonLabel), emoji: true },
        ...(isActionButton(b) ? { value: b.data.slice(0, 2_000) } : { url: b.url.slice(0, LIMITS.buttonUrl) }),
      })),
    });
  }
  return blocks.slice(0, LIMITS.blocks);
}

/** respond() twice at most: a lost answer is worse than a duplicate notice of "Working on it…". */
async function respondOnce(respond: RespondFn, message: Parameters<RespondFn>[0]): Promise<void> {
  try {
    await respond(message);
  } catch (err) {
    if ((err as { code?: string }).code === 'slack_bolt_respond_error' && (err as { statusCode?: number }).statusCode! < 500) throw err;
    await respond(message);
  }
}

/**
 * Where one command's or button's replies go: ephemeral messages by its response_url. The message a
 * reply may replace (`replace_original`) is, for a button, the message it was on; for a command, the
 * latest answer to it (its acknowledgement, so "Working on it…" becomes the answer). Messages sent by
 * response_url have no ts: a command's answers get ids of their own (`<trigger>:<n>`) for that.
 */
function replyChannel(respond: RespondFn, source: { pressedMessageId: string } | { triggerId: string }): ReplyChannel {
  let latest: string | undefined;
  let count = 0;
  return {
    async send(reply) {
      const replaceable = 'pressedMessageId' in source ? source.pressedMessageId : latest;
      const replacing = reply.editMessageId !== undefined && reply.editMessageId === replaceable;
      await respondOnce(respond, {
        response_type: 'ephemeral', text: escapeText(clip(reply.text, LIMITS.text)), blocks: replyBlocks(reply),
        replace_original: replacing,
      });
      if (replacing) return reply.editMessageId;
      if ('pressedMessageId' in source) return undefined;
      return (latest = `${source.triggerId}:${++count}`);
    },
  };
}

/** Whether a person administers the workspace (users.info: is_admin or is_owner), asked at most once a minute per person. */
export function adminCheck(clock: Clock, logger: Logger): (client: WebClient, team: string, user: string) => Promise<boolean | undefined> {
  const known = new Map<string, { admin: boolean; until: number }>();
  return async (client, team, user) => {
    const key = `${team}:${user}`;
    const cached = known.get(key);
    if (cached && cached.until > clock.now()) return cached.admin;
    try {
      const result = await client.users.info({ user });
      const admin = Boolean(result.user?.is_admin || result.user?.is_owner);
      known.set(key, { admin, until: clock.now() + ADMIN_TTL_MS });
      if (known.size > 10_000) known.delete(known.keys().next().value as string);
      return admin;
    } catch (err) {
      logger.warn({ team, user, err: (err as Error).message }, 'users.info failed: the person\'s admin role is not known');
      return undefined;
    }
  };
}

export interface InboundDeps {
  onEvent: () => EventHandler;
  clock: Clock;
  logger: Logger;
  ackWithinMs?: number | undefined;
}

/** The neutral event of a slash command; `tenantAdmin` as users.info said. */
export function commandEvent(body: SlackCommandMiddlewareArgs['command'], tenantAdmin: boolean | undefined): InboundEvent {
  const { args, chatRefs } = parseCommandText(body.text ?? '');
  const actor: Actor = { platform: 'slack', platformUserId: body.user_id, tenant: body.team_id, username: body.user_name, ...(tenantAdmin !== undefined ? { tenantAdmin } : {}) };
  return {
    type: 'command', command: commandName(body.command), args, chatRefs, actor, isPrivate: true,
    chat: { platform: 'slack', tenant: body.team_id, chatId: body.channel_id }, messageId: body.trigger_id,
  };
}

/** Sends every slash command, button press and uninstall to `onEvent`, acknowledging each at once; replies go by response_url. */
export function installInbound(app: App, deps: InboundDeps): void {
  const isAdmin = adminCheck(deps.clock, deps.logger);
  const ackOptions = { ackWithinMs: deps.ackWithinMs ?? SLACK_ACK_WITHIN_MS, edits: true, clock: deps.clock };

  app.command(/.*/, async ({ command, ack, respond, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const event = async () => commandEvent(command, await isAdmin(client, command.team_id, command.user_id));
    await respondWithAck(async () => deps.onEvent()(await event()), replyChannel(respond, { triggerId: command.trigger_id }), ackOptions)
      .catch((err: unknown) => deps.logger.error({ err, team: command.team_id, command: command.command }, 'a Slack command failed'));
  });

  app.action({ type: 'block_actions' }, async ({ body, action, ack, respond, client }) => {
    await ack();
    const pressed = action as { value?: string; url?: string };
    // A link button also sends block_actions; only buttons that carry data are ours to handle.
    if (pressed.value === undefined) return;
    const b = body as BlockAction;
    const team = b.team?.id ?? b.user.team_id ?? '';
    const messageId = b.container?.message_ts ?? b.message?.ts ?? '';
    const channelId = b.channel?.id ?? b.container?.channel_id ?? '';
    const tenantAdmin = await isAdmin(client, team, b.user.id);
    const event: InboundEvent = {
      type: 'button', data: pressed.value, messageId, isPrivate: true,
      actor: { platform: 'slack', platformUserId: b.user.id, tenant: team, username: b.user.username ?? b.user.name, ...(tenantAdmin !== undefined ? { tenantAdmin } : {}) },
      chat: { platform: 'slack', tenant: team, chatId: channelId },
    };
    await respondWithAck(() => deps.onEvent()(event), replyChannel(respond, { pressedMessageId: messageId }), ackOptions)
      .catch((err: unknown) => deps.logger.error({ err, team }, 'a Slack button failed'));
  });

  const removed = (reason: 'uninstalled' | 'tokens_revoked') => async ({ body }: { body: { team_id?: string; event?: unknown } }) => {
    const tenant = body.team_id;
    if (!tenant) return;
    // tokens_revoked lists the bot tokens and the people's tokens it revoked: only a bot token's loss stops the workspace.
    const bots = (body.event as { tokens?: { bot?: unknown[] } } | undefined)?.tokens?.bot;
    if (reason === 'tokens_revoked' && !(bots && bots.length > 0)) return;
    deps.logger.info({ team: tenant, reason }, `Slack workspace ${tenant}: ${reason === 'uninstalled' ? 'the app was uninstalled' : 'its tokens were revoked'}`);
    await Promise.resolve(deps.onEvent()({ type: 'tenant_removed', platform: 'slack', tenant, reason }))
      .catch((err: unknown) => deps.logger.error({ err, team: tenant }, 'handling a Slack uninstall failed'));
  };
  app.event('app_uninstalled', removed('uninstalled'));
  app.event('tokens_revoked', removed('tokens_revoked'));
  // Acknowledged (bolt does it for events) and nothing more: the App Home has no content yet; a channel join needs no answer.
  app.event('app_home_opened', async () => undefined);
  app.event('member_joined_channel', async () => undefined);
}
