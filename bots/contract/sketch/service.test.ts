// The seam's proof: the whole service runs an app it has never heard of, given one folder (this one) and one table row.
import { afterEach, describe, expect, it } from 'vitest';
import { ADAPTERS, adapterRow } from '../../../app/adapters/table';
import { planLoadOptions } from '../../../app/adapters/plan-catalog';
import { createService, type Service } from '../../../app/service';
import { loadConfig } from '../../../config';
import { silentLogger } from '../../../core/logger';
import { parsePlans } from '../../../core/plans';
import { until } from '../../../core/testing/until';
import { openMemoryDatabase } from '../../../db/client';
import { idleCron } from '../../../schedules/testing/idle-cron';
import { createGuildchatAdapter, guildchatAccess, GUILDCHAT } from './adapter';
import { GuildchatEmulator } from './emulator';

const OPERATOR = 'op1';

/** Guildchat's one row: the same shape as every row of ADAPTERS. */
const guildchatRow = (emulator: GuildchatEmulator) => adapterRow({
  name: GUILDCHAT,
  label: 'Guildchat',
  gated: true,
  access: guildchatAccess,
  settings: () => ({ emulator, operatorIds: [OPERATOR], ackWithinMs: 10_000 }),
  create: (settings, ctx) => createGuildchatAdapter(settings, ctx),
});

const PLANS = `
graceDays: 3
plans:
  - { id: free, name: Free, level: 0, stripePriceId: null, priceCents: 0, delayMinutes: 30 }
  - { id: vip, name: VIP, level: 20, stripePriceId: price_vip, priceCents: 9900, directMessages: true,
      access: [{ guildchat: { guild: g1, role: vip } }] }
`;

describe('an imaginary app added with one folder and one table row', () => {
  let service: Service | undefined;
  afterEach(async () => {
    await service?.stop();
    service = undefined;
  });

  it('offers its members-only role, gives it on /grant, delivers the VIP alert by direct message, and takes the role away on /revoke', async () => {
    const emulator = new GuildchatEmulator();
    emulator.addGuild('g1', { channels: ['general'], roles: { vip: 1 }, botPosition: 5 });
    emulator.join('g1', 'ada');
    const rows = [...ADAPTERS, guildchatRow(emulator)];
    const plans = parsePlans(PLANS, 'plans.yaml', planLoadOptions(rows));
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', INGEST_SIGNING_SECRET: 's'.repeat(32), LOG_LEVEL: 'silent' });
    service = createService({ config, logger: silentLogger, db: openMemoryDatabase(), plans, cron: idleCron, adapters: rows });
    await service.start();
    expect([...service.adapters.keys()]).toEqual([GUILDCHAT]);

    const dm = (user: string) => emulator.messages.filter((m) => m.where === `dm:${user}`).map((m) => m.text);
    await emulator.say('ada', 'dm:ada', '/start');
    await emulator.say('ada', 'dm:ada', '/plans');
    expect(dm('ada').join('\n')).toContain('the members-only channel');

    await emulator.say(OPERATOR, `dm:${OPERATOR}`, '/grant ada vip 30');
    await until(() => emulator.holdsRole('g1', 'ada', 'vip'), 'the VIP role');
    await until(() => dm('ada').some((t) => t.includes('members-only channels are open')), 'the welcome');

    await emulator.say(OPERATOR, `dm:${OPERATOR}`, '/publish BTCUSDT long 0.9 Breakout above the range');
    await until(() => dm('ada').some((t) => t.includes('LONG BTCUSDT')), 'the VIP alert by direct message');

    await emulator.say(OPERATOR, `dm:${OPERATOR}`, '/revoke ada');
    await until(() => !emulator.holdsRole('g1', 'ada', 'vip'), 'the role taken away');
  });
});
