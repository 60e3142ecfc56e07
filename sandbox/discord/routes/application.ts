// The bot's own side: gateway discovery, its user, its application, commands (bulk overwrite,
// global and per guild) and DM channels.
import type { APIApplicationCommand, ApplicationCommandType, ChannelFlags, ChannelType } from 'discord-api-types/v10';
import { discordErrors } from '../errors';
import type { DiscordState, DMChannel } from '../state';
import { bodyObject, type DiscordRoute, type RouteContext } from './route';

/** Where `GET /gateway/bot` sends clients, and the session-start budget it reports. */
export interface GatewayInfo {
  url: () => string;
  remainingIdentifies: () => number;
}

function checkApplication(ctx: RouteContext): void {
  if (ctx.params.app !== ctx.state.applicationId) throw discordErrors.unknownApplication();
}

function overwriteCommands(ctx: RouteContext, target: APIApplicationCommand[], guildId?: string): APIApplicationCommand[] {
  checkApplication(ctx);
  if (!Array.isArray(ctx.body)) throw discordErrors.invalidForm('body: must be an array of commands');
  const stored = ctx.body.map((raw) => {
    const body = bodyObject(raw);
    if (typeof body.name !== 'string' || !/^[-_\p{L}\p{N}]{1,32}$/u.test(body.name)) throw discordErrors.invalidForm('name: invalid command name');
    const existing = target.find((c) => c.name === body.name);
    return {
      ...body,
      id: existing?.id ?? ctx.state.ids.next(),
      application_id: ctx.state.applicationId,
      version: ctx.state.ids.next(),
      name: body.name,
      description: typeof body.description === 'string' ? body.description : '',
      type: (typeof body.type === 'number' ? body.type : 1) as ApplicationCommandType,
      default_member_permissions: typeof body.default_member_permissions === 'string' ? body.default_member_permissions : null,
      ...(guildId ? { guild_id: guildId } : {}),
    } as APIApplicationCommand;
  });
  target.splice(0, target.length, ...stored);
  return stored;
}

/** The DM channel with a user, made on first request as Discord does. */
export function dmChannelWith(state: DiscordState, userId: string): DMChannel {
  const existing = state.dmChannels.get(userId);
  if (existing) return existing;
  const user = state.users.get(userId);
  if (!user || userId === state.bot.id) throw discordErrors.unknownUser();
  const channel: DMChannel = {
    id: state.ids.next(),
    type: 1 as ChannelType.DM,
    last_message_id: null,
    flags: 0 as ChannelFlags,
    recipients: [user.user],
  };
  state.dmChannels.set(userId, channel);
  return channel;
}

export function applicationRoutes(gateway: GatewayInfo): DiscordRoute[] {
  return [
    {
      method: 'GET',
      template: '/gateway/bot',
      handler: () => ({
        url: gateway.url(),
        shards: 1,
        session_start_limit: { total: 1000, remaining: gateway.remainingIdentifies(), reset_after: 86_400_000, max_concurrency: 1 },
      }),
    },
    { method: 'GET', template: '/gateway', handler: () => ({ url: gateway.url() }) },
    { method: 'GET', template: '/users/@me', handler: (ctx) => ({ ...ctx.state.bot, mfa_enabled: false, locale: 'en-US', verified: true }) },
    {
      method: 'GET',
      template: '/users/:user',
      handler: (ctx) => {
        const user = ctx.state.users.get(ctx.params.user ?? '');
        if (!user) throw discordErrors.unknownUser();
        return user.user;
      },
    },
    {
      method: 'GET',
      template: '/applications/@me',
      handler: (ctx) => ({ id: ctx.state.applicationId, name: ctx.state.bot.username, description: '', icon: null, bot_public: false, bot_require_code_grant: false, verify_key: '0'.repeat(64), flags: 0, bot: ctx.state.bot }),
    },
    {
      method: 'POST',
      template: '/users/@me/channels',
      handler: (ctx) => {
        const recipient = bodyObject(ctx.body).recipient_id;
        if (typeof recipient !== 'string') throw discordErrors.invalidForm('recipient_id: this field is required');
        return dmChannelWith(ctx.state, recipient);
      },
    },
    { method: 'GET', template: '/applications/:app/commands', handler: (ctx) => (checkApplication(ctx), ctx.state.globalCommands) },
    { method: 'PUT', template: '/applications/:app/commands', handler: (ctx) => overwriteCommands(ctx, ctx.state.globalCommands) },
    {
      method: 'PUT',
      template: '/applications/:app/guilds/:guild/commands',
      handler: (ctx) => {
        const guildId = ctx.params.guild ?? '';
        if (!ctx.state.guilds.has(guildId)) throw discordErrors.unknownGuild();
        const list = ctx.state.guildCommands.get(guildId) ?? [];
        ctx.state.guildCommands.set(guildId, list);
        return overwriteCommands(ctx, list, guildId);
      },
    },
  ];
}
