// The Discord emulator's public surface (REST and state; the gateway joins it at merge).
export { DiscordEmulator, startDiscordEmulator, type DiscordEmulatorOptions } from './emulator';
export type { CreateGuildOptions, GuildView } from './drivers';
export { DiscordApiError, discordErrors } from './errors';
export { defaultDiscordLimits, type DiscordLimits, type Injected429, type RateLimitScope, type RateLimitStats } from './rate-limits';
export { DiscordState, type DispatchListener, type DispatchType, type GuildRecord, type UserRecord } from './state';
export { gatewayWorld, guildCreatePayload, guildPayload, type GatewayWorldView } from './guild-payload';
export { INTERACTION_ACK_MS, INTERACTION_TOKEN_MS, InteractionBook, type InteractionRecord } from './interactions';
