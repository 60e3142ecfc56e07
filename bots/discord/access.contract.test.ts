import { sendNowNoticeSink } from '../../core/access/notices';
import { describeAccessContract } from '../contract/access-contract';
import { DiscordAccessGate, accessRest } from './access';
import { startDiscordWorld } from './contract.fixtures';
import { botIdOfToken } from './hierarchy';
import { DiscordPlatform, sendingRest } from './platform';

describeAccessContract('discord', ['role'], async () => {
  const w = await startDiscordWorld();
  const options = { token: w.emulator.token, apiUrl: w.emulator.apiUrl };
  const sender = new DiscordPlatform(sendingRest(options));
  const gate = new DiscordAccessGate({ rest: accessRest(options), notices: sendNowNoticeSink(new Map([['discord', sender]])), botUserId: botIdOfToken(w.emulator.token) });
  const role = (id: string) => ({ platform: 'discord', kind: 'role' as const, tenant: w.guild.id, id });
  return {
    gate,
    holder: async (n) => ({ accountId: `acc_${n}`, platform: 'discord', platformUserId: w.emulator.memberJoins(w.guild.id, { username: `member${n}` }) }),
    resource: async () => role(w.guild.roles.VIP!),
    completeGrant: async () => {},
    holds: async (holder, resource) => (w.emulator.memberRoles(w.guild.id, holder.platformUserId) ?? []).includes(resource.id),
    told: async (holder) => w.dmsOf(holder.platformUserId),
    refused: async () => role(w.guild.roles.Admin!),
    missing: async () => role('999999999999999998'),
    stop: () => w.emulator.stop(),
  };
});
