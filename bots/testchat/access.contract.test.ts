import { sendNowNoticeSink } from '../../core/access/notices';
import { silentLogger } from '../../core/logger';
import { startTestchat } from '../../sandbox/testchat/server';
import { describeAccessContract } from '../contract/access-contract';
import { createTestchatAdapter } from './adapter';

const TENANT = 'guild-1';
/** The bot's own role sits at position 10: roles below it can be given, at or above it cannot. */
const BOT_POSITION = 10;

const declared = createTestchatAdapter({ url: 'http://127.0.0.1:1', token: 'unused' }, { logger: silentLogger }).capabilities.access;

describeAccessContract('testchat', declared, async () => {
  const { emulator, url, token } = await startTestchat();
  emulator.access.createTenant(TENANT, { botPosition: BOT_POSITION });
  // The gate's messages go straight out through the adapter's own sender, so the emulator shows them.
  const sender = createTestchatAdapter({ url, token }, { logger: silentLogger }).sender;
  const adapter = createTestchatAdapter({ url, token }, { logger: silentLogger, access: { notices: sendNowNoticeSink(new Map([['testchat', sender]])) } });
  let next = 1;
  return {
    gate: adapter.gate!,
    holder: async (n) => {
      emulator.access.addTenantMember(TENANT, `u${n}`);
      return { accountId: `acc_${n}`, platform: 'testchat', platformUserId: `u${n}` };
    },
    resource: async (kind) => {
      const id = `${kind}-${next++}`;
      if (kind === 'chat') emulator.access.createChat(id);
      else emulator.access.setRole(TENANT, id, BOT_POSITION - 1);
      return kind === 'chat' ? { platform: 'testchat', kind, id } : { platform: 'testchat', kind, tenant: TENANT, id };
    },
    completeGrant: async () => {},
    holds: async (holder, r) => (r.kind === 'chat' ? emulator.access.isMember(r.id, holder.platformUserId) : emulator.access.hasRole(r.tenant!, holder.platformUserId, r.id)),
    told: async (holder) => emulator.chatMessages(holder.platformUserId).map((m) => m.text),
    refused: async (kind) => {
      const id = `refused-${next++}`;
      if (kind === 'chat') emulator.access.createChat(id, { botIsAdmin: false });
      else emulator.access.setRole(TENANT, id, BOT_POSITION);
      return kind === 'chat' ? { platform: 'testchat', kind, id } : { platform: 'testchat', kind, tenant: TENANT, id };
    },
    missing: async (kind) => (kind === 'chat' ? { platform: 'testchat', kind, id: 'no-such-chat' } : { platform: 'testchat', kind, tenant: TENANT, id: 'no-such-role' }),
    stop: () => emulator.stop(),
  };
});
