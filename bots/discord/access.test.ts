// Discord's access gate beyond the contract: a role out of the bot's reach told apart from a missing permission, refused without a request when the role order is known, and who holds a role read page by page.
import { afterEach, describe, expect, it } from 'vitest';
import { recordingNoticeSink } from '../../core/access/testing/memory-gate';
import { DiscordAccessGate, accessRest } from './access';
import { startDiscordWorld, type DiscordWorld } from './contract.fixtures';
import { botIdOfToken, type RoleOrder } from './hierarchy';

let w: DiscordWorld;
afterEach(async () => w?.emulator.stop());

function gate(roleOrder?: (guildId: string, roleIds: readonly string[]) => RoleOrder | null) {
  const options = { token: w.emulator.token, apiUrl: w.emulator.apiUrl };
  return new DiscordAccessGate({ rest: accessRest(options), notices: recordingNoticeSink(), botUserId: botIdOfToken(w.emulator.token), roleOrder });
}

const role = (id: string) => ({ platform: 'discord' as const, kind: 'role' as const, tenant: w.guild.id, id });

describe('the Discord access gate', () => {
  it('reads a 50013 against the role order: a role above the bot\'s is a hierarchy problem, with the fix', async () => {
    w = await startDiscordWorld();
    const member = w.emulator.memberJoins(w.guild.id, { username: 'ada' });
    const outcome = await gate().grant({ accountId: 'acc_1', platform: 'discord', platformUserId: member }, role(w.guild.roles.Admin!), 'entitled');
    expect(outcome).toMatchObject({ result: 'failed', code: 'hierarchy', detail: 'the Admin role is not below the bot\'s highest role (Signalcast): move the Signalcast role above Admin in Server Settings → Roles' });
    expect(w.emulator.stats().invalidRequests).toBe(1);
  });

  it('refuses a role the known role order puts out of reach without asking Discord', async () => {
    w = await startDiscordWorld();
    const member = w.emulator.memberJoins(w.guild.id, { username: 'bea' });
    const before = w.emulator.stats().requests;
    const order = (): RoleOrder => ({ target: { id: w.guild.roles.VIP!, name: 'VIP', position: 5 }, botTop: { id: w.guild.botRoleId, name: 'Signalcast', position: 3 } });
    const outcome = await gate(order).grant({ accountId: 'acc_2', platform: 'discord', platformUserId: member }, role(w.guild.roles.VIP!), 'entitled');
    expect(outcome).toMatchObject({ result: 'failed', code: 'hierarchy' });
    expect(w.emulator.stats().requests).toBe(before);
  });

  it('lists the role\'s holders across pages of 1,000 members, the bot left out', async () => {
    w = await startDiscordWorld();
    const vip = w.guild.roles.VIP!;
    const holders: string[] = [];
    for (let i = 0; i < 1_005; i += 1) {
      const id = w.emulator.memberJoins(w.guild.id, { username: `m${i}` });
      if (i % 500 === 0 || i === 1_004) {
        w.emulator.giveRoleByHand(w.guild.id, id, vip);
        holders.push(id);
      }
    }
    const listed = await gate().holders(role(vip));
    expect('holders' in listed && listed.holders.sort()).toEqual(holders.sort());
    expect(w.emulator.server.requests.filter((r) => r.path.includes('/members') && r.method === 'GET')).toHaveLength(2);
  });
});
