// Puts the gateway on the Discord emulator: its guilds as GUILD_CREATE payloads, its state's changes as dispatches, its GET /gateway/bot pointing at the gateway.
import {
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  Locale,
  type GatewayGuildCreateDispatchData,
} from 'discord-api-types/v10';
import type { DiscordEmulator } from './emulator';
import { DiscordGateway, IDENTIFY_DAILY_LIMIT, type GatewayOptions, type GatewayWorld } from './gateway';
import type { DiscordState, GuildRecord } from './state';

/** A guild record as GUILD_CREATE carries it: channels, roles in order, members and their count. */
export function guildCreatePayload(state: DiscordState, guild: GuildRecord): GatewayGuildCreateDispatchData {
  return {
    id: guild.id, name: guild.name, icon: null, icon_hash: null, splash: null, discovery_splash: null,
    owner_id: guild.ownerId, afk_channel_id: null, afk_timeout: 300, widget_enabled: false, widget_channel_id: null,
    verification_level: GuildVerificationLevel.Low,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.Disabled,
    roles: state.rolesOf(guild).map((r) => ({ ...r })),
    emojis: [], features: [], mfa_level: GuildMFALevel.None, application_id: null, system_channel_id: null,
    system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications, rules_channel_id: null,
    vanity_url_code: null, description: null, banner: null, premium_tier: GuildPremiumTier.None,
    premium_subscription_count: 0, preferred_locale: Locale.EnglishUS, public_updates_channel_id: null,
    nsfw_level: GuildNSFWLevel.Default, stickers: [], premium_progress_bar_enabled: false, hub_type: null,
    safety_alerts_channel_id: null, incidents_data: null,
    joined_at: guild.members.get(state.bot.id)?.joined_at ?? state.nowIso(), large: false, unavailable: false,
    member_count: guild.members.size,
    members: [...guild.members.values()].map((m) => ({ ...m, roles: [...m.roles] })),
    channels: [...guild.channels.values()].map((c) => ({ ...c })),
    threads: [], presences: [], voice_states: [], stage_instances: [], guild_scheduled_events: [], soundboard_sounds: [],
  };
}

/** The emulator's state as the gateway reads it. */
export function stateWorld(state: DiscordState, token: string): GatewayWorld {
  return {
    token,
    botUser: state.bot,
    applicationId: state.applicationId,
    guilds: () => [...state.guilds.values()].map((g) => guildCreatePayload(state, g)),
  };
}

/**
 * Starts a gateway on the emulator's own server (ws:// on the same port), makes GET /gateway/bot
 * point at it (with the IDENTIFYs left of the day's 1,000), and forwards every change the state announces (a new guild as its full GUILD_CREATE).
 * Call after `emulator.start()`. The gateway is closed with `gateway.close()` before `emulator.stop()`.
 */
export function attachGateway(emulator: DiscordEmulator, options: GatewayOptions = {}): DiscordGateway {
  const gateway = new DiscordGateway(stateWorld(emulator.state, emulator.token), emulator.server, options);
  emulator.setGatewayUrl(() => gateway.url, () => Math.max(0, IDENTIFY_DAILY_LIMIT - gateway.stats.identifies));
  emulator.onDispatch((type, data) => {
    const guild = type === 'GUILD_CREATE' ? emulator.state.guilds.get((data as { id: string }).id) : undefined;
    gateway.dispatch(type, guild ? guildCreatePayload(emulator.state, guild) : data);
  });
  return gateway;
}
