import { describe, expect, it } from 'vitest';
import { FakeClock } from '../core/clock';
import { DEFAULT_PLANS, type PlansConfig } from '../core/plans';
import { silentLogger } from '../core/logger';
import { openMemoryDatabase } from '../db/client';
import { SqliteAccountStore } from '../db/stores/account-store';
import { CHANNEL_CONTENT, ensurePlanChannels } from './channels';

const plans: PlansConfig = {
  ...DEFAULT_PLANS,
  plans: DEFAULT_PLANS.plans.map((p) => {
    if (p.id === 'vip') {
      return {
        ...p,
        access: [
          { platform: 'telegram', kind: 'chat' as const, id: '-1001' },
          { platform: 'testchat', kind: 'chat' as const, tenant: 't1', id: 'c1' },
          { platform: 'testchat', kind: 'role' as const, tenant: 't1', id: 'r1' },
          { platform: 'guildchat', kind: 'role' as const, tenant: 'g1', id: 'vip-role', channels: ['signals', 'charts'] },
        ],
      };
    }
    return p.id === 'enterprise' ? { ...p, access: [{ platform: 'teamchat', kind: 'workspace' as const, id: 'licence' }] } : p;
  }),
};

function world() {
  const accounts = new SqliteAccountStore({ db: openMemoryDatabase(), clock: new FakeClock() });
  return { accounts, ensure: (platforms: string[]) => ensurePlanChannels({ accounts, plans, platforms, logger: silentLogger }) };
}

describe('plan channels', () => {
  it("makes every chat a plan gates on a running platform a channel destination for that plan's alerts, with its tenant", async () => {
    const w = world();
    expect(await w.ensure(['telegram', 'testchat', 'teamchat'])).toEqual([{ platform: 'telegram', chatId: '-1001' }, { platform: 'testchat', chatId: 'c1', tenant: 't1' }]);
    const channels = await w.accounts.listDestinations({ kind: 'channel' });
    expect(channels.map((d) => [d.recipientKey, d.planId, d.label, d.isGroup, d.contentKinds])).toEqual([
      ['telegram:-1001', 'vip', 'VIP channel', true, CHANNEL_CONTENT],
      ['testchat:t1:c1', 'vip', 'VIP channel', true, CHANNEL_CONTENT],
    ]);
  });

  it('makes each channel a role opens a channel destination once, in the role\'s server; a role without channels gets none', async () => {
    const w = world();
    expect(await w.ensure(['guildchat'])).toEqual([{ platform: 'guildchat', chatId: 'signals', tenant: 'g1' }, { platform: 'guildchat', chatId: 'charts', tenant: 'g1' }]);
    expect(await w.ensure(['guildchat'])).toEqual([]);
    expect((await w.accounts.listDestinations({ kind: 'channel' })).map((d) => [d.recipientKey, d.planId])).toEqual([['guildchat:g1:signals', 'vip'], ['guildchat:g1:charts', 'vip']]);
  });

  it('skips the chats of platforms that do not run, and leaves an existing destination alone, even disabled', async () => {
    const w = world();
    expect(await w.ensure(['testchat'])).toEqual([{ platform: 'testchat', chatId: 'c1', tenant: 't1' }]);
    const [made] = await w.accounts.listDestinations({ kind: 'channel' });
    await w.accounts.disableDestination(made!.id, 'operator');
    expect(await w.ensure(['testchat', 'telegram'])).toEqual([{ platform: 'telegram', chatId: '-1001' }]);
    expect(await w.ensure(['testchat', 'telegram'])).toEqual([]);
    expect((await w.accounts.getDestination(made!.id))?.enabled).toBe(false);
  });
});
