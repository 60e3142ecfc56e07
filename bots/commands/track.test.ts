import { describe, expect, it } from 'vitest';
import type { SignalInput, SignalUpdateInput } from '../../core/types';
import { SqliteSignalService } from '../../db/stores/signal-service';
import { commandWorld, only, type CommandWorld } from './commands.fixtures';
import { workspaceWorld } from './workspace/workspace.fixtures';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Published { ago: number; input: Partial<SignalInput> & Pick<SignalInput, 'symbol' | 'conviction'>; update?: { after: number; input: SignalUpdateInput } }

/** Four signals (bands A 0.8+, B 0.6+, C below), published and updated through the real service, the clock ending where it began. */
const HISTORY: Published[] = [
  { ago: 40 * DAY, input: { symbol: 'BTC_USDT', conviction: 0.9 }, update: { after: DAY, input: { kind: 'closed', resultPct: 4 } } },
  { ago: 2 * DAY, input: { symbol: 'ETH_USDT', conviction: 0.85 }, update: { after: DAY, input: { kind: 'closed', resultPct: 8 } } },
  { ago: DAY, input: { symbol: 'SOL_USDT', conviction: 0.7, side: 'short', entry: 200 }, update: { after: 12 * HOUR, input: { kind: 'stopped', price: 210 } } },
  { ago: 3 * HOUR, input: { symbol: 'XRP_USDT', conviction: 0.5 } },
];

async function publishHistory(w: CommandWorld): Promise<void> {
  const now = w.clock.now();
  const service = new SqliteSignalService({ db: w.db, clock: w.clock, plans: w.deps.plans, bands: { aMin: 0.8, bMin: 0.6 } });
  for (const [i, p] of HISTORY.entries()) {
    w.clock.set(now - p.ago);
    await service.publish({ publisherId: `h${i}`, market: 'crypto', side: 'long', reasons: ['r'], ...p.input }, { publishedBy: 'test' });
    if (p.update) {
      w.clock.set(now - p.ago + p.update.after);
      await service.addUpdate({ publisherId: `h${i}` }, p.update.input);
    }
  }
  w.clock.set(now);
}

const EXPECTED = [
  'Track record (results of published signals, from their updates):',
  'Last 30 days: 3 signals, 2 with a result: 1 win (50%), average +1.5%, total +3.0%; 1 open',
  '  Band A: 1 signal, 1 with a result: 1 win (100%), average +8.0%, total +8.0%',
  '  Band B: 1 signal, 1 with a result: 0 wins (0%), average -5.0%, total -5.0%',
  '  Band C: 1 signal, none with a result yet; 1 open',
  'All time: 4 signals, 3 with a result: 2 wins (67%), average +2.3%, total +7.0%; 1 open',
  '  Band A: 2 signals, 2 with a result: 2 wins (100%), average +6.0%, total +12.0%',
  '  Band B: 1 signal, 1 with a result: 0 wins (0%), average -5.0%, total -5.0%',
  '  Band C: 1 signal, none with a result yet; 1 open',
];

describe('/track', () => {
  it('shows the 30-day and all-time figures by band, a stop scored from its entry and price', async () => {
    const w = commandWorld();
    await publishHistory(w);
    expect(only(await w.send('42', '/track')).text.split('\n')).toEqual(EXPECTED);
  });

  it('answers /record the same, in a group as in a private chat, to anyone', async () => {
    const w = commandWorld();
    await publishHistory(w);
    expect(only(await w.send('77', '/record', { group: true })).text.split('\n')).toEqual(EXPECTED);
    expect(only(await w.send('77', '/track', { platform: 'telegram', group: true })).text).toBe(EXPECTED.join('\n'));
  });

  it('says so when nothing was published yet', async () => {
    const w = commandWorld();
    expect(only(await w.send('42', '/track')).text.split('\n')).toEqual([
      'Track record (results of published signals, from their updates):', 'Last 30 days: no signals', 'All time: no signals',
    ]);
  });

  it('is in /help', async () => {
    const w = commandWorld();
    expect(only(await w.send('42', '/help')).text).toContain('/track: The track record');
  });

  it('says it is not available where the service gives no track record', async () => {
    const w = commandWorld({ track: undefined });
    expect(only(await w.send('42', '/track')).text).toBe('The track record is not available here yet.');
  });

  it('is /signals track in a workspace, for a member who is not an admin', async () => {
    const w = workspaceWorld();
    await w.install();
    await publishHistory(w);
    expect(only(await w.signals('U_MEMBER', 'track')).text.split('\n')).toEqual(EXPECTED);
    expect(only(await w.signals('U_MEMBER', 'help')).text).toContain('/signals track');
  });
});
