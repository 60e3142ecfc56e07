// /settings on Discord through the whole service: the settings answer only the member sees, its buttons changing it in place, and the typed options changing what the buttons cannot.
import { ApplicationCommandOptionType, type APIMessage } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../core/testing/until';
import { SqliteAccountStore } from '../db/stores/account-store';
import { startDiscordServiceWorld } from './testing/discord-world';

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

type Button = { label?: string; custom_id?: string; style?: number };
const buttonsOf = (m: APIMessage | undefined): Button[] => (m?.components ?? []).flatMap((row) => ('components' in row ? (row.components as Button[]) : []));

describe('/settings on Discord', () => {
  it('answers with the settings and their buttons only to the member; a button changes the setting and the answer in place; the options change the rest', async () => {
    const w = await startDiscordServiceWorld(running, { signingSecret: 's'.repeat(32) });
    await until(() => w.discord.state.globalCommands.length > 0, 'the slash commands');
    const ada = w.discord.memberJoins(w.guild.id, { username: 'ada' });
    const general = w.guild.channels.general!;
    const command = w.discord.runCommand({ guildId: w.guild.id, userId: ada, channelId: general, name: 'settings' });
    const answer = await until(() => command.original, 'the settings');
    expect(answer.flags! & 64).toBe(64);
    expect(answer.content).toContain('Alerts: all bands');
    const aOnly = buttonsOf(answer).find((b) => b.label === 'A only');
    expect(aOnly).toMatchObject({ style: 1, custom_id: 'set:band:A' });

    const press = w.discord.pressButton({ guildId: w.guild.id, userId: ada, messageId: answer.id, customId: aOnly!.custom_id! });
    await until(() => command.original?.content.includes('Alerts: band A only'), 'the answer changed in place');
    expect(press.callbacks).toEqual([7]);
    expect(buttonsOf(command.original).find((b) => b.custom_id === 'set:band:A')?.label).toBe('✓ A only');
    const accounts = new SqliteAccountStore({ db: w.service.db, clock: w.clock });
    const settingsOf = async () => {
      const identity = await accounts.findIdentity('discord', ada);
      return identity ? accounts.getAccount(identity.accountId) : undefined;
    };
    expect(await settingsOf()).toMatchObject({ minBand: 'A' });

    const typed = w.discord.runCommand({
      guildId: w.guild.id, userId: ada, channelId: general, name: 'settings',
      options: [{ name: 'change', type: ApplicationCommandOptionType.String, value: 'symbols' }, { name: 'to', type: ApplicationCommandOptionType.String, value: 'BTC,ETH' }],
    });
    const changed = await until(() => typed.original, 'the changed settings');
    expect(changed.content).toContain('Symbols: BTC, ETH');
    expect(await settingsOf()).toMatchObject({ minBand: 'A', symbolFilter: ['BTC', 'ETH'] });
    // Nothing of it was posted in the channel.
    expect(w.discord.messagesIn(general)).toEqual([]);
  });
});
