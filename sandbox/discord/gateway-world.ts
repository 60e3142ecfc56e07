// Puts the gateway on the Discord emulator: its state as the gateway's world, its changes as dispatches, its GET /gateway/bot pointing at the gateway.
import type { DiscordEmulator } from './emulator';
import { DiscordGateway, IDENTIFY_DAILY_LIMIT, type GatewayOptions } from './gateway';
import { guildCreatePayload } from './guild-payload';

/**
 * Starts a gateway on the emulator's own server (ws:// on the same port), makes GET /gateway/bot
 * point at it (with the IDENTIFYs left of the day's 1,000), and forwards every change the state
 * announces (a new guild as its full GUILD_CREATE). Call after `emulator.start()`; close it with
 * `gateway.close()` before `emulator.stop()`.
 */
export function attachGateway(emulator: DiscordEmulator, options: GatewayOptions = {}): DiscordGateway {
  const gateway = new DiscordGateway(emulator.gatewayWorld(), emulator.server, options);
  emulator.setGatewayUrl(() => gateway.url, () => Math.max(0, IDENTIFY_DAILY_LIMIT - gateway.stats.identifies));
  emulator.onDispatch((type, data) => {
    const guild = type === 'GUILD_CREATE' ? emulator.state.guilds.get((data as { id: string }).id) : undefined;
    gateway.dispatch(type, guild ? guildCreatePayload(emulator.state, guild) : data);
  });
  return gateway;
}
