// A small GatewayWorld for the gateway's tests (one guild with a gated channel and ordered roles); the lead replaces it with the REST side's state at merge.
import {
  ChannelType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  type APIGuildMember,
  type GuildMemberFlags,
  type RoleFlags,
  type APIRole,
  type APIUser,
  type GatewayGuildCreateDispatchData,
} from 'discord-api-types/v10';
import type { GatewayWorld } from './gateway';

export const TEST_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.Gabcde.emulator-test-token-000000000000';

export function testUser(id: string, username: string, bot = false): APIUser {
  return { id, username, discriminator: '0', global_name: username, avatar: null, bot };
}

export function testMember(user: APIUser, roles: string[] = []): APIGuildMember {
  return { user, roles, joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0 as GuildMemberFlags };
}

function role(id: string, name: string, position: number, permissions: string): APIRole {
  return {
    id, name, position, permissions, color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false, icon: null, unicode_emoji: null, managed: false, mentionable: false, flags: 0 as RoleFlags,
  };
}

/** One guild: @everyone, VIP below the bot's role, a public and a gated text channel, the bot and one member. */
export function testWorld(): GatewayWorld {
  const botUser = testUser('1000', 'signalcast', true);
  const guildId = '2000';
  const guild: GatewayGuildCreateDispatchData = {
    id: guildId, name: 'Signal Lounge', icon: null, icon_hash: null, splash: null, discovery_splash: null,
    owner_id: '1001', afk_channel_id: null, afk_timeout: 300, widget_enabled: false, widget_channel_id: null,
    verification_level: GuildVerificationLevel.Low,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.Disabled,
    roles: [role(guildId, '@everyone', 0, '1024'), role('2001', 'VIP', 1, '0'), role('2002', 'Signalcast', 2, '268435456')],
    emojis: [], features: [], mfa_level: GuildMFALevel.None, application_id: null, system_channel_id: null,
    system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications, rules_channel_id: null,
    vanity_url_code: null, description: null, banner: null, premium_tier: GuildPremiumTier.None,
    premium_subscription_count: 0, preferred_locale: 'en-US' as GatewayGuildCreateDispatchData['preferred_locale'],
    public_updates_channel_id: null, nsfw_level: GuildNSFWLevel.Default, stickers: [],
    premium_progress_bar_enabled: false, hub_type: null, safety_alerts_channel_id: null,
    incidents_data: null,
    joined_at: new Date(0).toISOString(), large: false, unavailable: false, member_count: 2,
    members: [testMember(botUser, ['2002']), testMember(testUser('1001', 'owner'))],
    channels: [
      { id: '3000', type: ChannelType.GuildText, guild_id: guildId, name: 'general', position: 0, permission_overwrites: [], parent_id: null, nsfw: false, topic: null, last_message_id: null, rate_limit_per_user: 0 },
      { id: '3001', type: ChannelType.GuildText, guild_id: guildId, name: 'vip-signals', position: 1, parent_id: null, nsfw: false, topic: null, last_message_id: null, rate_limit_per_user: 0,
        permission_overwrites: [{ id: guildId, type: 0, allow: '0', deny: '1024' }, { id: '2001', type: 0, allow: '1024', deny: '0' }] },
    ],
    threads: [], presences: [], voice_states: [], stage_instances: [], guild_scheduled_events: [], soundboard_sounds: [],
  };
  return { token: TEST_TOKEN, botUser, applicationId: '1000', guilds: () => [guild] };
}
