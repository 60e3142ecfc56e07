// A guild as Discord sends it: over REST (GET /guilds/:id) and in the gateway's GUILD_CREATE,
// built from the emulator's state, so the REST and gateway sides never disagree.
import type {
  GuildSystemChannelFlags} from 'discord-api-types/v10';
import {
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildVerificationLevel,
  type APIGuild,
  type APIUser,
  type GatewayGuildCreateDispatchData,
  type Locale,
} from 'discord-api-types/v10';
import type { DiscordState, GuildRecord } from './state';

/** The guild object of `GET /guilds/:id` (roles included, no channels or members; no `hub_type`, which the spec does not list). */
export function guildPayload(state: DiscordState, guild: GuildRecord): Omit<APIGuild, 'hub_type'> {
  const base: Omit<APIGuild, 'hub_type'> = {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    widget_enabled: false,
    widget_channel_id: null,
    verification_level: GuildVerificationLevel.Low,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.Disabled,
    roles: state.rolesOf(guild),
    emojis: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0 as GuildSystemChannelFlags,
    rules_channel_id: null,
    max_members: 500_000,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: GuildPremiumTier.None,
    premium_subscription_count: 0,
    preferred_locale: 'en-US' as Locale,
    public_updates_channel_id: null,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    nsfw_level: GuildNSFWLevel.Default,
    stickers: [],
    premium_progress_bar_enabled: false,
    safety_alerts_channel_id: null,
    incidents_data: null,
  };
  // Fields Discord's spec lists that discord-api-types does not.
  return Object.assign(base, { home_header: null, region: 'deprecated', max_presences: null, nsfw: false });
}

/** The `d` of GUILD_CREATE for a guild the bot is in: channels, roles with positions, members. */
export function guildCreatePayload(state: DiscordState, guild: GuildRecord): GatewayGuildCreateDispatchData {
  const me = guild.members.get(state.bot.id);
  return {
    ...guildPayload(state, guild),
    hub_type: null,
    joined_at: me?.joined_at ?? state.nowIso(),
    large: guild.members.size > 250,
    unavailable: false,
    member_count: guild.members.size,
    members: [...guild.members.values()].map((m) => ({ ...m, roles: [...m.roles] })),
    channels: [...guild.channels.values()],
    threads: [],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** What the gateway reads (the shape of its `GatewayWorld`): token, bot, application, guilds. */
export interface GatewayWorldView {
  readonly token: string;
  readonly botUser: APIUser;
  readonly applicationId: string;
  guilds(): GatewayGuildCreateDispatchData[];
}

/** The state as the gateway reads it; guilds are built fresh at each call. */
export function gatewayWorld(state: DiscordState, token: string): GatewayWorldView {
  return {
    token,
    botUser: state.bot,
    applicationId: state.applicationId,
    guilds: () => [...state.guilds.values()].filter((g) => g.members.has(state.bot.id)).map((g) => guildCreatePayload(state, g)),
  };
}
