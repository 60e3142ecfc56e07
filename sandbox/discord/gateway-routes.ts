// The REST routes that tell discord.js where the gateway is: GET /api/v10/gateway and /gateway/bot (with the IDENTIFY budget left today).
import type { APIGatewayBotInfo, APIGatewayInfo } from 'discord-api-types/v10';
import type { EmulatorServer } from '../base/emulator';
import type { DiscordGateway, GatewayWorld } from './gateway';

/** Discord's daily IDENTIFY budget per bot. */
export const IDENTIFY_DAILY_LIMIT = 1_000;

/** The body of GET /gateway/bot: the gateway URL, one shard, and the IDENTIFYs left of the day's 1,000. */
export function gatewayBotInfo(gateway: DiscordGateway): APIGatewayBotInfo {
  return {
    url: gateway.url,
    shards: 1,
    session_start_limit: {
      total: IDENTIFY_DAILY_LIMIT,
      remaining: Math.max(0, IDENTIFY_DAILY_LIMIT - gateway.stats.identifies),
      reset_after: 86_400_000,
      max_concurrency: 1,
    },
  };
}

/**
 * Serves GET /api/v10/gateway (no token) and /api/v10/gateway/bot (Authorization "Bot <token>",
 * else 401 as Discord answers it). The REST side may keep these or serve `gatewayBotInfo` itself.
 */
export function registerGatewayRoutes(emulator: EmulatorServer, gateway: DiscordGateway, world: GatewayWorld): void {
  emulator.route('GET', '/api/v10/gateway', () => ({ body: { url: gateway.url } satisfies APIGatewayInfo }));
  emulator.route('GET', '/api/v10/gateway/bot', (req) => {
    if (req.headers.authorization !== `Bot ${world.token}`) {
      return { status: 401, body: { message: '401: Unauthorized', code: 0 } };
    }
    return { body: gatewayBotInfo(gateway) };
  });
}
