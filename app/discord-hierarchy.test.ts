// A plan's role above the bot's on Discord, through the whole service: told to the operator once, no invalid requests while blocked, repaired when the admin moves the role.
import { afterEach, describe, expect, it } from 'vitest';
import type { DiscordAdapter } from '../bots/discord/adapter';
import { until } from '../core/testing/until';
import { hasRole, subscribeAndPay } from './testing/discord-people';
import { DEMO_GUILD, startDiscordServiceWorld } from './testing/discord-world';

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

const VIP = DEMO_GUILD.vipRole;

describe('a plan role above the bot\'s on Discord', () => {
  it('is told to the operator once, waits without invalid requests, and every grant follows once the admin moves the role under the bot', async () => {
    const w = await startDiscordServiceWorld(running, { signingSecret: 's'.repeat(32) });
    await until(() => w.discord.state.globalCommands.length > 0, 'the slash commands');
    // An admin drags VIP above the bot's role: the gateway tells discord.js the new order.
    w.discord.moveRoleAboveBot(w.guild.id, VIP);
    const client = (w.service.adapters.get('discord') as DiscordAdapter).client;
    const heard = () => {
      const guild = client.guilds.cache.get(w.guild.id);
      const top = guild?.members.me?.roles.highest;
      return top !== undefined && (guild?.roles.cache.get(VIP)?.comparePositionTo(top) ?? 0) > 0;
    };
    await until(heard, 'the bot to hear of the new order');
    const invalidBefore = w.discord.stats().invalidRequests;

    // Three members pay: each access job is refused by the role order and parks, none retries.
    const members = ['ada', 'bea', 'cy'].map((username) => w.discord.memberJoins(w.guild.id, { username }));
    for (const m of members) await subscribeAndPay(w, m);
    const jobs = w.service.access!.jobs;
    await until(() => jobs.list({ states: ['parked'], limit: 10 }).length === 3, 'three access jobs waiting for the role order');
    expect(jobs.list({ states: ['pending', 'running', 'dead'], limit: 10 })).toEqual([]);
    // The scheduled drift run tries too, and wakes the parked jobs, which park again.
    await w.service.access!.reconciler.reconcile({ trigger: 'scheduled' });
    w.service.access!.runner.wakeParked();
    await until(() => jobs.list({ states: ['parked'], limit: 10 }).length === 3, 'the jobs parked again');
    expect(members.map((m) => hasRole(w, m, VIP))).toEqual([false, false, false]);

    // Told once: one log line naming the fix, one audit event, one message to the operator.
    const told = w.logger.records.filter((r) => (r.level === 'error' || r.level === 'warn') && /VIP/.test(r.msg ?? ''));
    expect(told).toHaveLength(1);
    expect(told[0]?.msg).toContain('move the Signalcast role above VIP in Server Settings → Roles');
    const audit = w.service.db.$client.prepare("select count(*) as n from audit_events where action = 'access.blocked'").get() as { n: number };
    expect(audit.n).toBe(1);
    const dm = await until(() => [...w.discord.state.dmChannels.values()].find((c) => c.recipients?.some((u) => u.id === w.operatorId)), 'the operator\'s DM');
    await until(() => w.discord.messagesIn(dm.id).length > 0, 'the message to the operator');
    expect(w.discord.messagesIn(dm.id).map((m) => m.content)).toEqual([expect.stringContaining('move the Signalcast role above VIP')]);
    // Discord bans at 10,000 invalid requests in 10 minutes: a known block makes none.
    expect(w.discord.stats().invalidRequests).toBe(invalidBefore);

    // The admin moves VIP under the bot: GUILD_ROLE_UPDATE wakes the jobs, and every member gets the role.
    w.discord.moveRole(w.guild.id, VIP, 1);
    await until(() => members.every((m) => hasRole(w, m, VIP)), 'every member\'s role after the move');
    expect(w.discord.stats().invalidRequests).toBe(invalidBefore);
    expect(w.logger.records.filter((r) => (r.level === 'error' || r.level === 'warn') && /VIP/.test(r.msg ?? ''))).toHaveLength(1);
  });
});
