// The Discord emulator's public surface: REST, state, and the gateway (attachGateway puts it on the emulator).
export { DiscordEmulator, startDiscordEmulator, type DiscordEmulatorOptions } from './emulator';
export type { CreateGuildOptions, GuildView } from './drivers';
export { DiscordApiError, discordErrors } from './errors';
export { defaultDiscordLimits, type DiscordLimits, type Injected429, type RateLimitScope, type RateLimitStats } from './rate-limits';
export { DiscordState, type DispatchListener, type DispatchType, type GuildRecord, type UserRecord } from './state';
export { DiscordGateway, type GatewayOptions, type GatewayStats, type GatewayWorld } from './gateway';
export { attachGateway, guildCreatePayload, stateWorld } from './gateway-world';
