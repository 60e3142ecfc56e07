// Roles follow Stripe on Discord, through the whole service: joins and leaves, roles taken or given by hand, the drift run and its report.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { captureIo } from '../cli/io';
import { runCli } from '../cli/program';
import { loadConfig } from '../config';
import { until } from '../core/testing/until';
import { createContext } from './context';
import { dmsTo } from './testing/discord-journey';
import { hasRole, subscribeAndPay } from './testing/discord-people';
import { DEMO_GUILD, startDiscordServiceWorld, type DiscordServiceWorld } from './testing/discord-world';

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

const SECRET = 's'.repeat(32);
const VIP = DEMO_GUILD.vipRole;

async function world(settings: Record<string, string> = {}): Promise<DiscordServiceWorld> {
  const w = await startDiscordServiceWorld(running, { signingSecret: SECRET, settings });
  await until(() => w.discord.state.globalCommands.length > 0, 'the slash commands');
  return w;
}

/** A member who joined, subscribed and paid, and got the VIP role. */
async function payingMember(w: DiscordServiceWorld, username: string): Promise<string> {
  const userId = w.discord.memberJoins(w.guild.id, { username });
  await subscribeAndPay(w, userId);
  await until(() => hasRole(w, userId, VIP), `${username}'s VIP role`);
  return userId;
}

/** The full access reconcile the schedule runs (drift repair). */
const driftRun = (w: DiscordServiceWorld) => w.service.access!.reconciler.reconcile({ trigger: 'scheduled' });

/** `signalcast access reconcile --dry-run` on the service's database, as the CLI builds it: Discord by REST only, no gateway. */
async function cliDryRun(w: DiscordServiceWorld, settings: Record<string, string> = {}): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'signalcast-plans-'));
  const plansFile = join(dir, 'plans.yaml');
  // The example plans with VIP gating the demo server's role, as an operator would write it.
  const entry = `access: [{ discord: { guild: "${DEMO_GUILD.id}", role: "${VIP}", channels: ["${DEMO_GUILD.vipChannel}"] } }]`;
  const example = readFileSync('plans.example.yaml', 'utf8');
  const at = example.indexOf('access: []', example.indexOf('access: []') + 1);
  writeFileSync(plansFile, `${example.slice(0, at)}${entry}${example.slice(at + 'access: []'.length)}`);
  const config = loadConfig({
    INGEST_SIGNING_SECRET: SECRET, LOG_LEVEL: 'silent', PLANS_FILE: plansFile,
    DISCORD_BOT_TOKEN: w.discord.token, DISCORD_API_URL: w.discord.apiUrl, ...settings,
  });
  const io = captureIo();
  const code = await runCli(['access', 'reconcile', '--dry-run'], {
    io,
    loadConfig: () => config,
    openDatabase: () => w.service.db,
    closeDatabase: () => {},
    createContext: (c, db) => createContext(c, db, w.clock),
    start: async () => {},
  });
  expect(code).toBe(0);
  return io.stdout;
}

describe('Discord roles follow Stripe', () => {
  it('gives the role back at once to an entitled member who leaves and joins the server again', async () => {
    const w = await world();
    const ada = await payingMember(w, 'ada');
    w.discord.memberLeaves(w.guild.id, ada);
    await until(async () => (await w.service.access!.store.getMembership('discord', `discord:role:${w.guild.id}:${VIP}`, ada))?.state === 'left', 'the leave to be tracked');
    w.discord.memberJoins(w.guild.id, { userId: ada });
    await until(() => hasRole(w, ada, VIP), 'the role given back on rejoining');
  });

  it('gives the role on joining to someone who paid while not in the server', async () => {
    const w = await world();
    const bea = w.discord.memberJoins(w.guild.id, { username: 'bea' });
    // Bea leaves the server, then pays: the grant waits for her, nothing fails or retries.
    w.discord.memberLeaves(w.guild.id, bea);
    await subscribeAndPay(w, bea);
    await until(() => w.service.access!.jobs.list({ limit: 5 }).some((j) => j.state === 'done'), 'the access job after the payment');
    expect(w.service.access!.jobs.list({ states: ['pending', 'dead', 'parked'], limit: 5 })).toEqual([]);
    w.discord.memberJoins(w.guild.id, { userId: bea });
    await until(() => hasRole(w, bea, VIP), 'the role on joining');
  });

  it('gives back a role an admin took away by hand: at once, and at the next drift run when the change went unheard', async () => {
    const w = await world();
    const cy = await payingMember(w, 'cy');
    // An admin takes the role away in the server settings: the gateway tells the bot, the account's job gives it back.
    w.discord.state.guilds.get(w.guild.id)!.members.get(cy)!.roles = [];
    w.discord.state.dispatch('GUILD_MEMBER_UPDATE', { ...w.discord.state.guilds.get(w.guild.id)!.members.get(cy)!, guild_id: w.guild.id });
    await until(() => hasRole(w, cy, VIP), 'the role given back after the update');
    // Taken away while the bot was not listening (no gateway event): the drift run finds it and gives it back.
    w.discord.state.guilds.get(w.guild.id)!.members.get(cy)!.roles = [];
    const report = await driftRun(w);
    expect(report.drift).toEqual([expect.objectContaining({ platformUserId: cy, to: 'left' })]);
    expect(report.actions.map((a) => [a.kind, a.person.platformUserId, a.outcome?.result])).toEqual([['grant', cy, 'granted']]);
    expect(hasRole(w, cy, VIP)).toBe(true);
  });

  it('leaves a role given by hand to someone not entitled, reports it in the dry run, and never touches roles no plan manages', async () => {
    const w = await world();
    const dan = w.discord.memberJoins(w.guild.id, { username: 'dan' });
    w.discord.giveRoleByHand(w.guild.id, dan, VIP);
    w.discord.giveRoleByHand(w.guild.id, dan, w.guild.roles.Free!);
    const before = w.discord.stats().requests;
    const report = await driftRun(w);
    expect(report.actions).toEqual([]);
    expect(report.unmanaged.map((u) => [u.person.platformUserId, u.reason])).toEqual([[dan, 'no account']]);
    expect([hasRole(w, dan, VIP), hasRole(w, dan, w.guild.roles.Free!)]).toEqual([true, true]);
    // The drift run read the members; it changed no role.
    expect(w.discord.server.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);

    const printed = (await cliDryRun(w)).join('\n');
    expect(printed).toContain('Given by hand');
    expect(printed).toContain(`discord:${dan}`);
    expect(printed).toContain('kept (reported only)');
  });

  it('removes a role given by hand to someone not entitled when DISCORD_REMOVE_UNMANAGED_HOLDERS is on, and only that role', async () => {
    const w = await world({ DISCORD_REMOVE_UNMANAGED_HOLDERS: 'true' });
    const ada = await payingMember(w, 'ada');
    const eve = w.discord.memberJoins(w.guild.id, { username: 'eve' });
    w.discord.giveRoleByHand(w.guild.id, eve, VIP);
    w.discord.giveRoleByHand(w.guild.id, eve, w.guild.roles.Free!);
    expect((await cliDryRun(w, { DISCORD_REMOVE_UNMANAGED_HOLDERS: 'true' })).join('\n')).toMatch(/would revoke .*discord:\d+ .*given by hand/);
    const report = await driftRun(w);
    expect(report.actions.map((a) => [a.kind, a.person.platformUserId, a.outcome?.result])).toEqual([['revoke', eve, 'revoked']]);
    expect(w.discord.memberRoles(w.guild.id, eve)).toEqual([w.guild.roles.Free!]);
    expect(hasRole(w, ada, VIP)).toBe(true);
    // Eve never subscribed: she is told the role is for subscribers, not that her subscription ended.
    await w.service.dispatcher.idle();
    const told = await until(() => (dmsTo(w, eve).length > 0 ? dmsTo(w, eve).map((m) => m.content) : undefined), 'the DM to eve');
    expect(told).toEqual(['The members-only role is for subscribers, so it was taken away. Send /subscribe to get it.']);
  });
});
