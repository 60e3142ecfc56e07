// The whole service on Discord: alerts go once to each gated channel and by DM to subscribers whose plan has direct messages; a member who closes their DMs (50007) has that destination disabled, as a Telegram block does, and nobody else misses the alert.
import { ApplicationCommandOptionType, type APIApplicationCommandInteractionDataOption, type APIMessage } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../core/testing/until';
import { SqliteAccountStore } from '../db/stores/account-store';
import { startDiscordServiceWorld, type DiscordServiceWorld } from './testing/discord-world';

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

const text = (name: string, value: string): APIApplicationCommandInteractionDataOption => ({ name, type: ApplicationCommandOptionType.String, value });

/** `userId` runs a slash command in #general; the answer only they see, once it is the answer (not "Working on it…"). */
async function run(w: DiscordServiceWorld, userId: string, name: string, options: APIApplicationCommandInteractionDataOption[] = []): Promise<APIMessage> {
  const record = w.discord.runCommand({ guildId: w.guild.id, userId, channelId: w.guild.channels.general!, name, options });
  return until(() => (record.original && !record.original.content.startsWith('Working on it') ? record.original : undefined), `the answer to /${name}`);
}

/** The operator gives `userId` VIP for 30 days, picking them in /grant's user option. */
async function grantVip(w: DiscordServiceWorld, userId: string): Promise<APIMessage> {
  return run(w, w.operatorId, 'grant', [
    { name: 'user', type: ApplicationCommandOptionType.User, value: userId },
    text('plan', 'vip'),
    { name: 'days', type: ApplicationCommandOptionType.Integer, value: 30 },
  ]);
}

/** The alert embeds' titles in a channel. */
const alertsIn = (w: DiscordServiceWorld, channelId: string) => w.discord.messagesIn(channelId).flatMap((m) => m.embeds.map((e) => e.title ?? ''));
const dmChannel = (w: DiscordServiceWorld, userId: string) => w.discord.state.dmChannels.get(userId)?.id ?? '';

describe('alerts by DM on Discord', () => {
  it('disables the DM destination of a member who closed their DMs, and still delivers the alert to the gated channel and the other members', async () => {
    const w = await startDiscordServiceWorld(running, { signingSecret: 's'.repeat(32) });
    await until(() => w.discord.state.globalCommands.length > 0, 'the slash commands');
    const ada = w.discord.memberJoins(w.guild.id, { username: 'ada' });
    const bob = w.discord.memberJoins(w.guild.id, { username: 'bob' });
    // Their first command makes their accounts and their DM destinations (the answers only they see are their private chat).
    await run(w, ada, 'start');
    await run(w, bob, 'start');
    expect((await grantVip(w, ada)).content).toMatch(/^Granted VIP to @ada until/);
    expect((await grantVip(w, bob)).content).toMatch(/^Granted VIP to @bob until/);
    await until(() => w.discord.memberRoles(w.guild.id, ada)?.includes(w.guild.roles.VIP!) && w.discord.memberRoles(w.guild.id, bob)?.includes(w.guild.roles.VIP!), 'the VIP roles');
    const welcomed = (userId: string) => w.discord.messagesIn(dmChannel(w, userId)).length;
    await until(() => welcomed(ada) > 0 && welcomed(bob) > 0, 'the welcome DMs');
    const before = { ada: welcomed(ada), bob: welcomed(bob) };

    w.discord.closeDms(ada);
    const requestsBefore = w.discord.server.requests.length;
    const published = await run(w, w.operatorId, 'publish', [text('signal', 'BTCUSDT long 0.91 Breakout above the range; volume rising')]);
    expect(published.content).toMatch(/^Published long BTCUSDT/);

    const accounts = new SqliteAccountStore({ db: w.service.db, clock: w.clock });
    const adaDestination = () => accounts.findDestinationByRecipient({ platform: 'discord', chatId: ada, direct: true });
    await until(async () => (await adaDestination())?.enabled === false, 'ada\'s DM destination disabled');
    expect(await adaDestination()).toMatchObject({ kind: 'direct', enabled: false, disabledReason: 'blocked' });
    await until(() => alertsIn(w, dmChannel(w, bob)).length === 1 && alertsIn(w, w.guild.channels['vip-signals']!).length === 1, 'the alert for bob and the channel');
    expect(alertsIn(w, w.guild.channels['vip-signals']!)).toEqual(['🟢 LONG BTCUSDT · crypto']);
    expect(alertsIn(w, dmChannel(w, bob))).toEqual(['🟢 LONG BTCUSDT · crypto']);
    expect(w.discord.messagesIn(dmChannel(w, ada))).toHaveLength(before.ada);
    expect((await accounts.findDestinationByRecipient({ platform: 'discord', chatId: bob, direct: true }))?.enabled).toBe(true);

    // The next alert is not tried on ada's closed DMs at all: one refused send, not one per alert.
    await run(w, w.operatorId, 'publish', [text('signal', 'ETHUSDT short 0.85 Lost support')]);
    await until(() => alertsIn(w, dmChannel(w, bob)).length === 2 && alertsIn(w, w.guild.channels['vip-signals']!).length === 2, 'the second alert');
    const triesAtAda = w.discord.server.requests.slice(requestsBefore).filter((r) => r.method === 'POST' && r.path === `/api/v10/channels/${dmChannel(w, ada)}/messages`);
    expect(triesAtAda).toHaveLength(1);

    // Ada opens her DMs and comes back: her next command enables the destination again.
    w.discord.closeDms(ada, false);
    await run(w, ada, 'status');
    expect((await adaDestination())?.enabled).toBe(true);
  });
});
