// Restarts and dropped connections on Discord: a hundred restarts in a row use at most one IDENTIFY each, a dropped connection RESUMEs, and no interaction is answered twice.
import { afterEach, describe, expect, it } from 'vitest';
import { recordingLogger } from '../core/testing/logger';
import { until } from '../core/testing/until';
import type { InteractionRecord } from '../sandbox/discord/interactions';
import { idleCron } from '../schedules/testing/idle-cron';
import { createService, type Service } from './service';
import { startDiscordServiceWorld, type DiscordServiceWorld } from './testing/discord-world';

const SECRET = 'discord-restarts-signing-secret';
const RESTARTS = 100;
/** How long a restart takes on the test's clock. */
const RESTART_MS = 1_500;

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

/** A member runs /plans in #general; resolves with the record once the bot answered. */
async function plans(w: DiscordServiceWorld, userId: string): Promise<InteractionRecord> {
  const record = w.discord.runCommand({ guildId: w.guild.id, userId, channelId: w.guild.channels.general!, name: 'plans' });
  await until(() => record.original?.content.startsWith('The plans:'), 'the answer to /plans');
  return record;
}

/** How often the bot answered an interaction: its callbacks (one: 4 answered at once, or 5 deferred and then filled in) and follow-ups. */
const answers = (record: InteractionRecord) => ({ callbacks: record.callbacks.length, followUps: record.followUps.length });

describe('the Discord bot across restarts', () => {
  it(`restarts the service ${RESTARTS} times on the same Discord with at most one IDENTIFY each, and answers each command exactly once`, async () => {
    const w = await startDiscordServiceWorld(running, { signingSecret: SECRET });
    await until(() => w.discord.state.globalCommands.length > 0, 'the slash commands');
    const ada = w.discord.memberJoins(w.guild.id, { username: 'ada' });
    const before = await plans(w, ada);
    const identifiesAtStart = w.gateway.stats.identifies;
    expect(identifiesAtStart).toBe(1);

    let service: Service = w.service;
    running.push(() => service.stop());
    const asked: InteractionRecord[] = [before];
    for (let i = 1; i <= RESTARTS; i += 1) {
      await service.stop();
      // A restart takes a moment on Discord's clock too: its per-route windows (GET /gateway/bot, the commands' PUT: 10 per 10 s) go by.
      await w.clock.advance(RESTART_MS);
      service = createService({ config: w.config, logger: recordingLogger(), clock: w.clock, db: w.service.db, plans: w.plans, cron: idleCron });
      await service.start();
      // Every tenth run, a member asks something of the bot that just started.
      if (i % 10 === 0) {
        asked.push(await plans(w, ada));
      }
    }

    // One IDENTIFY per start at most, and no session refused on the way (a refused one would IDENTIFY again).
    expect(w.gateway.stats.identifies - identifiesAtStart).toBeLessThanOrEqual(RESTARTS);
    expect(w.gateway.stats.invalidSessions).toBe(0);
    // Nothing old was replayed into a new session, and every interaction was answered exactly once.
    expect(w.gateway.stats.replayed).toBe(0);
    expect(asked).toHaveLength(RESTARTS / 10 + 1);
    for (const record of asked) expect(answers(record)).toEqual({ callbacks: 1, followUps: 0 });
    expect(w.discord.stats().invalidRequests).toBe(0);
    expect(await (await fetch(`${service.url}/readyz`)).json()).toMatchObject({ checks: { discord: 'ok' } });
  }, 60_000);

  it('resumes a dropped connection without a new IDENTIFY, and answers a command run while it was down once, after the RESUME', async () => {
    const w = await startDiscordServiceWorld(running, { signingSecret: SECRET });
    await until(() => w.discord.state.globalCommands.length > 0, 'the slash commands');
    const ada = w.discord.memberJoins(w.guild.id, { username: 'ada' });
    const before = await plans(w, ada);

    // Discord drops the connection (the session stays resumable) and a member runs a command meanwhile.
    w.gateway.dropAll();
    const during = w.discord.runCommand({ guildId: w.guild.id, userId: ada, channelId: w.guild.channels.general!, name: 'plans' });
    await until(() => during.original?.content.startsWith('The plans:'), 'the answer to the command run while disconnected');
    expect(w.gateway.stats).toMatchObject({ identifies: 1, resumes: 1, invalidSessions: 0, replayed: 1 });
    const after = await plans(w, ada);

    // Then Discord forgets every session: the client IDENTIFYs once more, and nothing is answered twice.
    w.gateway.invalidateSessions({ notify: true });
    await until(() => w.gateway.stats.identifies === 2 && w.gateway.connections === 1, 'a new session');
    const last = await plans(w, ada);
    for (const record of [before, during, after, last]) expect(answers(record)).toEqual({ callbacks: 1, followUps: 0 });
    expect(w.gateway.stats.replayed).toBe(1);
    expect(w.discord.stats().invalidRequests).toBe(0);
  });
});
