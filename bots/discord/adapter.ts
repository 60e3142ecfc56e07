// Discord as a PlatformAdapter: the discord.js client on the gateway for commands and buttons, the REST sender, the role gate.
import { Client, GatewayIntentBits, Options, Partials, type GuildMember, type User } from 'discord.js';
import type { EventHandler } from '../../core/inbound/types';
import { SignalcastError } from '../../core/errors';
import type { AdapterContext, PlatformAdapter, PlatformCapabilities } from '../../core/platform/adapter';
import { AdapterStartError, startDeadline } from '../../core/platform/errors';
import { OPERATOR_COMMANDS, publicCommands } from '../commands/help';
import { accessRest, DiscordAccessGate } from './access';
import { slashCommands } from './commands';
import { unreachableCause } from './errors';
import { botIdOfToken, roleOrderFromCache } from './hierarchy';
import { DISCORD_ACK_WITHIN_MS, installInteractions } from './inbound';
import { installMemberEvents } from './members';
import { DiscordPlatform, dmOpeningRests, sendingRest } from './platform';

/** Discord's settings (DISCORD_*). */
export interface DiscordSettings {
  token: string;
  /** DISCORD_API_URL: https://discord.com/api by default, or a proxy or the emulator. */
  apiUrl?: string | undefined;
  operatorIds: readonly string[];
  /** DISCORD_APPLICATION_ID: when set, the start fails unless the token is this application's bot. */
  applicationId?: string | undefined;
  /** DISCORD_SHARD_COUNT: 'auto' (Discord's recommendation, discord.js's default) or a fixed count, all run in this process. */
  shardCount?: number | 'auto' | undefined;
  /** DISCORD_REMOVE_UNMANAGED_HOLDERS: the drift repair removes a managed role held by someone not entitled (given by hand); off: only reported. */
  removeUnmanagedHolders?: boolean | undefined;
  /** How long one start attempt may take (login and READY). Default 15 s. */
  startTimeoutMs?: number | undefined;
}

/**
 * What Discord can do: buttons, edits, replies, ephemeral answers, embeds with images, 2,000
 * characters, roles. No free text: without the privileged message-content intent (not asked for)
 * the bot reads no messages, only slash commands and buttons.
 */
export const DISCORD_CAPABILITIES: PlatformCapabilities = {
  buttons: true, edits: true, threads: true, ephemeral: true, images: true, directMessages: true, freeText: false,
  maxMessageLength: 2_000, markup: 'markdown', access: ['role'], ackWithinMs: DISCORD_ACK_WITHIN_MS,
};

/**
 * Bounded caches: no messages (alerts go out over REST and are never read back), at most 1,000 members
 * and users (the bot's own always kept: its role decides what it may manage), nothing we do not use
 * (presences, reactions, voice, emojis, stickers, thread members). Members are read over REST when needed.
 */
export const DISCORD_CACHE_LIMITS = {
  ...Options.DefaultMakeCacheSettings,
  MessageManager: 0,
  PresenceManager: 0,
  ReactionManager: 0,
  ReactionUserManager: 0,
  VoiceStateManager: 0,
  GuildEmojiManager: 0,
  GuildStickerManager: 0,
  ThreadMemberManager: 0,
  GuildMemberManager: { maxSize: 1_000, keepOverLimit: (member: GuildMember) => member.id === member.client.user.id },
  UserManager: { maxSize: 1_000, keepOverLimit: (user: User) => user.id === user.client.user.id },
};

const TOKEN = /^[\w-]{20,}\.[\w-]{4,}\.[\w-]{20,}$/;

export interface DiscordAdapter extends PlatformAdapter {
  readonly client: Client;
}

/** Builds the client, sender and gate; contacts nothing until `start`. Fails naming the setting on an unusable token. */
export function createDiscordAdapter(settings: DiscordSettings, ctx: AdapterContext): DiscordAdapter {
  if (!TOKEN.test(settings.token)) throw new SignalcastError('config_invalid', 'DISCORD_BOT_TOKEN: expected a bot token from the Developer Portal (three parts separated by dots)');
  const rest = { token: settings.token, apiUrl: settings.apiUrl };
  const logger = ctx.logger.child({ component: 'discord' });
  // Only the intents needed: servers (roles, channels) and members (join and leave); no message content. No message cache.
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers],
    rest: settings.apiUrl ? { api: settings.apiUrl } : {},
    ...(typeof settings.shardCount === 'number' ? { shards: [...Array(settings.shardCount).keys()], shardCount: settings.shardCount } : { shards: 'auto' as const }),
    makeCache: Options.cacheWithLimits(DISCORD_CACHE_LIMITS),
    // A member who leaves while not in the cache is still reported (as a partial member).
    partials: [Partials.GuildMember],
  });
  let handler: EventHandler = async () => [];
  installInteractions(client, { onEvent: () => handler, clock: ctx.clock, logger });
  installMemberEvents(client, { onEvent: () => handler, logger });
  const sender = new DiscordPlatform(sendingRest(rest), { dmOpeners: dmOpeningRests(rest), logger });
  return {
    name: 'discord',
    label: 'Discord',
    capabilities: DISCORD_CAPABILITIES,
    sender,
    gate: new DiscordAccessGate({
      rest: accessRest(rest), notices: ctx.access.notices, logger,
      strangers: settings.removeUnmanagedHolders ? 'remove' : 'report',
      roleOrder: (guildId, roleIds) => roleOrderFromCache(client, guildId, roleIds),
      botUserId: botIdOfToken(settings.token),
    }),
    operatorIds: settings.operatorIds,
    client,
    async start(onEvent, signal) {
      handler = onEvent;
      const abandoned = startDeadline('Discord could not be reached: the login did not finish in time', settings.startTimeoutMs ?? 15_000, signal);
      try {
        const ready = new Promise<void>((resolve) => client.once('clientReady', () => resolve()));
        await Promise.race([client.login(settings.token).then(() => ready), abandoned]);
        const appId = client.application?.id;
        if (settings.applicationId && appId && appId !== settings.applicationId) {
          throw new AdapterStartError(`DISCORD_APPLICATION_ID: the token belongs to application ${appId}, not ${settings.applicationId}; copy the token of the right application, or fix the id`, { permanent: true, cause: 'the token is another application\'s' });
        }
        await Promise.race([client.application!.commands.set(slashCommands({ public: publicCommands({ platforms: ctx.platforms }), operator: OPERATOR_COMMANDS, plans: ctx.plans })), abandoned]);
      } catch (err) {
        await client.destroy();
        if (err instanceof AdapterStartError) throw err;
        const refused = (err as { code?: unknown }).code === 'TokenInvalid' || (err as { status?: unknown }).status === 401;
        const cause = refused ? 'the token was refused' : unreachableCause(err);
        throw new AdapterStartError(refused ? 'DISCORD_BOT_TOKEN: Discord refused the token; copy it again from the Developer Portal' : `Discord could not be reached: ${cause}`,
          { permanent: refused, cause });
      }
      logger.info({ username: client.user?.username }, `Discord bot ${client.user?.username ?? ''} started`);
    },
    async stop() {
      await client.destroy();
    },
    deepLink: () => undefined,
  };
}
