// The service's schedules end to end: the registry's jobs registered at start, and the dead-letter report reaching an operator through a running adapter, with the run in /metrics.
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { silentLogger } from '../core/logger';
import { parsePlans } from '../core/plans';
import { until } from '../core/testing/until';
import { openMemoryDatabase } from '../db/client';
import { seedChannel } from '../db/testing/seed';
import { recordingCron } from '../schedules/testing/idle-cron';
import { createGuildchatAdapter, GUILDCHAT, guildchatAccess } from '../bots/contract/sketch/adapter';
import { GuildchatEmulator } from '../bots/contract/sketch/emulator';
import { ADAPTERS, adapterRow } from './adapters/table';
import { planLoadOptions } from './adapters/plan-catalog';
import { createService, type Service } from './service';

const OPERATOR = 'op1';

describe('the service\'s schedules', () => {
  let service: Service | undefined;
  afterEach(async () => {
    await service?.stop();
    service = undefined;
  });

  it('registers the jobs at start and tells the operator about dead deliveries when the report\'s tick comes, with the run in /metrics', async () => {
    const emulator = new GuildchatEmulator();
    emulator.addGuild('g1', { channels: ['general'], roles: { vip: 1 }, botPosition: 5 });
    const rows = [...ADAPTERS, adapterRow({
      name: GUILDCHAT, label: 'Guildchat', gated: true, access: guildchatAccess,
      settings: () => ({ emulator, operatorIds: [OPERATOR] }), create: (settings, ctx) => createGuildchatAdapter(settings, ctx),
    })];
    const plans = parsePlans('graceDays: 3\nplans:\n  - { id: free, name: Free, level: 0, stripePriceId: null, priceCents: 0 }\n', 'plans.yaml', planLoadOptions(rows));
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', INGEST_SIGNING_SECRET: 's'.repeat(32), LOG_LEVEL: 'silent', OPERATOR_TIME_ZONE: 'Europe/Berlin', DEAD_LETTER_REPORT_TIME: '07:15' });
    const db = openMemoryDatabase();
    const { cron, tasks } = recordingCron();
    service = createService({ config, logger: silentLogger, db, plans, cron, adapters: rows });
    await service.start();
    expect(tasks.map((t) => [t.options.name, t.expression, t.options.timezone])).toEqual([
      ['snapshot', '0 18 * * *', 'Europe/Berlin'],
      ['access-reconcile', '3-59/5 * * * *', 'Europe/Berlin'],
      ['dead-letter-report', '15 7 * * *', 'Europe/Berlin'],
      ['prune-deliveries', '47 3 * * *', 'Europe/Berlin'],
    ]);

    const channel = seedChannel(db, { recipient: { platform: 'testchat', chatId: '-77' }, label: 'Old room' });
    const dest = db.$client.prepare('SELECT ref FROM destinations WHERE id = ?').get(channel.destinationId) as { ref: number };
    db.$client.prepare(`INSERT INTO deliveries (content_type, content_ref, kind, destination_ref, priority, due_at, state, last_error_code, created_at, updated_at)
      VALUES ('signal', 1, 'alert', ?, 0, ?, 'dead', 'delivery_permanent', ?, ?)`).run(dest.ref, Date.now() - 60_000, Date.now() - 60_000, Date.now() - 60_000);
    await tasks.find((t) => t.options.name === 'dead-letter-report')!.fire();
    const told = () => emulator.messages.filter((m) => m.where === `dm:${OPERATOR}`).map((m) => m.text).join('\n');
    await until(() => told().includes('1 delivery died since'), 'the report in the operator\'s DMs');
    expect(told()).toContain('testchat delivery_permanent 1');
    expect(told()).toContain('testchat Old room (1)');

    const metrics = (await service.app.inject('/metrics')).body;
    expect(metrics).toContain('signalcast_job_runs_total{job="dead-letter-report",outcome="ok"} 1');
    expect(metrics).toContain('signalcast_job_last_success{job="dead-letter-report"} 1');
  });
});
