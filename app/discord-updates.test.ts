// Signal updates on Discord through the whole service: a reply (message_reference) to the alert, in DMs and the gated channel, for exactly those who got the alert.
import { ApplicationCommandOptionType, type APIApplicationCommandInteractionDataOption, type APIMessage } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../core/testing/until';
import { postSignal, postUpdate, type Publisher } from './testing/publish-http';
import { startDiscordServiceWorld, type DiscordServiceWorld } from './testing/discord-world';

const SECRET = 's'.repeat(32);

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

/** `userId` runs a slash command in #general; the answer only they see, once it is the answer (not "Working on it…"). */
async function run(w: DiscordServiceWorld, userId: string, name: string, options: APIApplicationCommandInteractionDataOption[] = []): Promise<APIMessage> {
  const record = w.discord.runCommand({ guildId: w.guild.id, userId, channelId: w.guild.channels.general!, name, options });
  return until(() => (record.original && !record.original.content.startsWith('Working on it') ? record.original : undefined), `the answer to /${name}`);
}

const dmChannel = (w: DiscordServiceWorld, userId: string) => w.discord.state.dmChannels.get(userId)?.id ?? '';
/** The alert embed the bot posted in the channel for the symbol. */
const alertIn = (w: DiscordServiceWorld, channelId: string, symbol: string) => w.discord.messagesIn(channelId).find((m) => m.embeds.some((e) => e.title?.includes(symbol)));
/** The message bodies the emulator received for the channel whose text mentions the symbol (updates are text replies). */
const repliesIn = (w: DiscordServiceWorld, channelId: string, symbol: string) => w.discord.server.requests
  .filter((r) => r.method === 'POST' && r.path === `/api/v10/channels/${channelId}/messages` && r.status === 200)
  .map((r) => r.body as { content?: string; message_reference?: { message_id?: string } })
  .filter((b) => b.content?.includes(symbol));

describe('signal updates on Discord', () => {
  it('replies to the alert with message_reference in the member\'s DMs and in the gated channel, and sends nothing to a member who did not get the alert', async () => {
    const w = await startDiscordServiceWorld(running, { signingSecret: SECRET });
    await until(() => w.discord.state.globalCommands.length > 0, 'the slash commands');
    const ada = w.discord.memberJoins(w.guild.id, { username: 'ada' });
    await run(w, ada, 'start');
    const granted = await run(w, w.operatorId, 'grant', [
      { name: 'user', type: ApplicationCommandOptionType.User, value: ada },
      { name: 'plan', type: ApplicationCommandOptionType.String, value: 'vip' },
      { name: 'days', type: ApplicationCommandOptionType.Integer, value: 30 },
    ]);
    expect(granted.content).toMatch(/^Granted VIP to @ada/);
    const publisher: Publisher = { url: w.url, secret: SECRET, now: () => w.clock.now() };
    const vipChannel = w.guild.channels['vip-signals']!;

    const signal = await postSignal(publisher, 'discord-upd-1', 'LINKUSDT');
    const dmAlert = await until(() => alertIn(w, dmChannel(w, ada), 'LINKUSDT'), 'the alert in ada\'s DMs');
    const channelAlert = await until(() => alertIn(w, vipChannel, 'LINKUSDT'), 'the alert in #vip-signals');
    // Carl comes after the alert: he never got it.
    const carl = w.discord.memberJoins(w.guild.id, { username: 'carl' });
    await run(w, carl, 'start');

    const closed = await postUpdate(publisher, signal.id, { kind: 'closed', price: 21.5, resultPct: 7.5 });
    expect(closed.status).toBe(202);
    const [dmReply] = await until(() => repliesIn(w, dmChannel(w, ada), 'LINKUSDT').length > 0 && repliesIn(w, dmChannel(w, ada), 'LINKUSDT'), 'the close in ada\'s DMs');
    const [channelReply] = await until(() => repliesIn(w, vipChannel, 'LINKUSDT').length > 0 && repliesIn(w, vipChannel, 'LINKUSDT'), 'the close in #vip-signals');
    expect(dmReply).toMatchObject({ content: expect.stringContaining('Closed at 21.5 (+7.50%)'), message_reference: { message_id: dmAlert.id } });
    expect(channelReply).toMatchObject({ content: expect.stringContaining('Closed at 21.5 (+7.50%)'), message_reference: { message_id: channelAlert.id } });

    w.service.dispatcher.poke();
    await w.service.dispatcher.idle();
    const carlDm = dmChannel(w, carl);
    expect(carlDm ? repliesIn(w, carlDm, 'LINKUSDT').length + (alertIn(w, carlDm, 'LINKUSDT') ? 1 : 0) : 0).toBe(0);
    expect(closed.body.planned).toBe(w.service.db.$client.prepare(`SELECT count(*) FROM deliveries WHERE kind = 'alert' AND state = 'sent'
      AND content_ref = (SELECT ref FROM signals WHERE id = ?)`).pluck().get(signal.id));
  });
});
