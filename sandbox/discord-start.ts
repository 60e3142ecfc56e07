// The sandbox's Discord: the emulator with its gateway on 127.0.0.1, the demo server and the servers the plans gate.
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { PlansConfig } from '../core/plans';
import { attachGateway, createDemoGuild, createPlanGuilds, DEMO_GUILD, startDiscordEmulator, type DiscordEmulator, type DiscordGateway, type SandboxGuild } from './discord';

/** The Discord emulator the sandbox runs, and the servers it made. */
export interface SandboxDiscord {
  readonly emulator: DiscordEmulator;
  readonly gateway: DiscordGateway;
  /** The servers a person acts in from the console: the plans' first, then the demo server. */
  readonly guilds: SandboxGuild[];
  stop(): Promise<void>;
}

function describeGuild(g: SandboxGuild): string {
  const gated = g.gated.map((c) => `#${c.name} for ${c.plans.join(' and ')}`).join(', ');
  return `server "${g.name}" ${g.guild.id}${gated ? ` (${gated})` : ''}`;
}

/**
 * Starts the Discord emulator (127.0.0.1 only) with its gateway, so discord.js logs in as on Discord;
 * creates a server for each guild the plans' Discord access entries name, with their roles under the
 * bot's and their gated channels at the plans' ids, and the demo server "Signal Room" when the plans
 * do not gate it (with the built-in plans, the VIP plan's role is its VIP role).
 */
export async function startSandboxDiscord(options: { clock: Clock; plans: PlansConfig; logger: Logger }): Promise<SandboxDiscord> {
  const emulator = await startDiscordEmulator({ clock: options.clock });
  const gateway = attachGateway(emulator);
  const stop = async () => {
    await gateway.close();
    await emulator.stop();
  };
  try {
    const guilds = createPlanGuilds(emulator, options.plans);
    if (!guilds.some((g) => g.guild.id === DEMO_GUILD.id)) guilds.push({ guild: createDemoGuild(emulator), name: 'Signal Room', gated: [] });
    options.logger.info({ discord: emulator.apiUrl, guilds: guilds.map((g) => g.guild.id) },
      `sandbox: Discord emulator at ${emulator.apiUrl} (bot ${emulator.state.bot.username}; ${guilds.map(describeGuild).join('; ')})`);
    return { emulator, gateway, guilds, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
