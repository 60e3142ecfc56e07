// The Discord emulator's public surface: REST, state, and the gateway (attachGateway puts it on the emulator).
export { DiscordEmulator, startDiscordEmulator, type DiscordEmulatorOptions } from './emulator';
export type { CreateGuildOptions, GuildView } from './drivers';
export { DiscordApiError, discordErrors } from './errors';
export { defaultDiscordLimits, type DiscordLimits, type Injected429, type RateLimitScope, type RateLimitStats } from './rate-limits';
export { DiscordState, type DispatchListener, type DispatchType, type GuildRecord, type UserRecord } from './state';
export { gatewayWorld, guildCreatePayload, guildPayload, type GatewayWorldView } from './guild-payload';
export { INTERACTION_ACK_MS, INTERACTION_TOKEN_MS, InteractionBook, type InteractionRecord } from './interactions';
export { DiscordGateway, IDENTIFY_DAILY_LIMIT, type GatewayOptions, type GatewayStats, type GatewayWorld } from './gateway';
export { attachGateway } from './gateway-world';
export { createDemoGuild, createPlanGuilds, DEMO_GUILD, type GatedChannel, type SandboxGuild } from './demo-guild';
