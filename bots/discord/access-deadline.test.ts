// The Discord gate when its caller gives up: a grant abandoned at its deadline while Discord hung does nothing when Discord answers later.
import { afterEach, describe, expect, it } from 'vitest';
import { sendNowNoticeSink } from '../../core/access/notices';
import { until } from '../../core/testing/until';
import { accessRest, DiscordAccessGate, GRANTED_TEXT } from './access';
import { startDiscordWorld, type DiscordWorld } from './contract.fixtures';
import { DiscordPlatform, sendingRest } from './platform';

let w: DiscordWorld | undefined;
afterEach(async () => {
  w?.emulator.server.clearFaults();
  await w?.emulator.stop();
});

describe('the Discord gate, cut short by its caller', () => {
  it('changes no role and sends no welcome once the caller gave up, even when the hung call is answered after (discord.js retries it)', async () => {
    w = await startDiscordWorld();
    const options = { token: w.emulator.token, apiUrl: w.emulator.apiUrl };
    const gate = new DiscordAccessGate({ rest: accessRest(options), notices: sendNowNoticeSink(new Map([['discord', new DiscordPlatform(sendingRest(options))]])) });
    const userId = w.emulator.memberJoins(w.guild.id, { username: 'ada' });
    const role = { platform: 'discord', kind: 'role' as const, tenant: w.guild.id, id: w.guild.roles.VIP! };
    const holder = { accountId: 'acc_1', platform: 'discord', platformUserId: userId };

    w.emulator.server.failNext({ kind: 'hang' }, { count: 1 });
    const deadline = new AbortController();
    const abandoned = gate.grant(holder, role, 'paid', { signal: deadline.signal });
    await until(() => w!.emulator.server.requests.length > 0, 'the member lookup to hang');
    deadline.abort();
    // The hung request ends; discord.js would retry it and carry on to the role change.
    w.emulator.server.clearFaults();
    expect(await abandoned).toMatchObject({ result: 'failed', code: 'platform_unreachable' });
    expect(w.emulator.memberRoles(w.guild.id, userId)).toEqual([]);
    expect(w.emulator.server.requests.filter((r) => r.method === 'PUT')).toEqual([]);

    // The next try grants once and welcomes once.
    expect(await gate.grant(holder, role, 'paid')).toMatchObject({ result: 'granted', holds: true });
    expect(await gate.grant(holder, role, 'paid')).toMatchObject({ result: 'granted', detail: 'already has the role' });
    expect(w.emulator.memberRoles(w.guild.id, userId)).toEqual([role.id]);
    expect(w.dmsOf(userId)).toEqual([GRANTED_TEXT]);
  });
});
