// The whole service on Discord: it starts with a Discord token pointed at the emulator, registers its slash commands and answers them.
import { afterEach, describe, expect, it } from 'vitest';
import { recordingLogger } from '../core/testing/logger';
import { until } from '../core/testing/until';
import { idleCron } from '../schedules/testing/idle-cron';
import { createService } from './service';
import { DEMO_GUILD, runDiscordCommand, startDiscordServiceWorld, subscribeAndPay } from './testing/discord-world';

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

describe('the service with a Discord token', () => {
  it('starts discord.js on the gateway, registers the menu as slash commands, and answers /plans privately with the plans', async () => {
    const w = await startDiscordServiceWorld(running, { signingSecret: 's'.repeat(32) });
    await until(() => (w.discord.state.globalCommands.length > 0 ? true : undefined), 'the slash commands');
    expect(w.discord.state.globalCommands.map((c) => c.name)).toEqual(expect.arrayContaining(['plans', 'subscribe', 'status', 'join', 'publish']));
    const member = w.discord.memberJoins(w.guild.id, { username: 'ada' });
    const interaction = w.discord.runCommand({ guildId: w.guild.id, userId: member, channelId: w.guild.channels.general!, name: 'plans' });
    const reply = await until(() => interaction.original, 'the answer to /plans');
    expect(reply.content).toContain('VIP');
    expect(reply.flags! & 64).toBe(64);
    const ready = await fetch(`${w.url}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('/join gives a paying member their role back when it was taken by hand', async () => {
    const w = await startDiscordServiceWorld(running, { signingSecret: 's'.repeat(32) });
    const member = w.discord.memberJoins(w.guild.id, { username: 'ada' });
    await subscribeAndPay(w, member);
    const has = () => w.discord.memberRoles(w.guild.id, member)?.includes(DEMO_GUILD.vipRole);
    expect((await runDiscordCommand(w, member, 'join')).content).toContain('You have your plan\'s role');
    w.discord.state.guilds.get(w.guild.id)!.members.get(member)!.roles = [];
    expect(has()).toBe(false);
    expect((await runDiscordCommand(w, member, 'join')).content).toContain('Your plan\'s role is given back');
    expect(has()).toBe(true);
  });

  it('at start, reconciles access in full: a role taken by hand while the service was down is given back without waiting for the schedule', async () => {
    const w = await startDiscordServiceWorld(running, { signingSecret: 's'.repeat(32) });
    const member = w.discord.memberJoins(w.guild.id, { username: 'ada' });
    await subscribeAndPay(w, member);
    await w.service.stop();
    // While it is down, an admin takes the role: no gateway event reaches anyone.
    w.discord.state.guilds.get(w.guild.id)!.members.get(member)!.roles = [];
    const again = createService({ config: w.config, logger: recordingLogger(), clock: w.clock, db: w.service.db, plans: w.plans, cron: idleCron });
    running.push(() => again.stop());
    await again.start();
    await until(() => (w.discord.memberRoles(w.guild.id, member)?.includes(DEMO_GUILD.vipRole) ? true : undefined), 'the role given back at start');
  });
});
