import { describe, expect, it } from 'vitest';
import { composeSnapshot, gatherSnapshot, snapshotAsText } from './compose';
import { dayBounds, dayOf, parseDay, snapshotDayOf } from './day';
import { memoryTrack, result } from './track.fixtures';

const TZ = 'Europe/Paris';
const at = (iso: string) => Date.parse(iso);
const NOW = at('2026-12-06T17:00:00Z'); // 18:00 in Paris

// The day is 6 Dec in Paris: from 2026-12-05T23:00Z to 2026-12-06T23:00Z.
const track = memoryTrack([
  result({ symbol: 'XRPUSDT', band: 'C', publishedAt: at('2026-12-05T23:30:00Z'), status: 'closed', resultPct: 0.5, exitedAt: at('2026-12-06T09:00:00Z') }),
  result({ symbol: 'BTCUSDT', band: 'A', publishedAt: at('2026-12-06T08:00:00Z'), status: 'closed', resultPct: 3.2, targetsHit: 1, exitedAt: at('2026-12-06T12:00:00Z') }),
  result({ symbol: 'ETHUSDT', side: 'short', band: 'A', publishedAt: at('2026-12-06T10:00:00Z'), status: 'stopped', resultPct: -1.5, exitedAt: at('2026-12-06T11:00:00Z') }),
  result({ symbol: 'SOLUSDT', band: 'B', publishedAt: at('2026-12-06T12:00:00Z') }),
  // 00:30 on 7 Dec in Paris: not the 6th's.
  result({ symbol: 'ADAUSDT', band: 'B', publishedAt: at('2026-12-06T23:30:00Z'), status: 'closed', resultPct: 9 }),
  result({ symbol: 'BTCUSDT', band: 'A', publishedAt: at('2026-11-20T10:00:00Z'), status: 'closed', resultPct: 2, exitedAt: at('2026-11-21T10:00:00Z') }),
  result({ symbol: 'DOGEUSDT', band: 'B', publishedAt: at('2026-08-01T10:00:00Z'), status: 'stopped', resultPct: -4, exitedAt: at('2026-08-02T10:00:00Z') }),
]);

describe('composeSnapshot', () => {
  const snapshot = composeSnapshot(gatherSnapshot(track, '2026-12-06', TZ, NOW), { timeZone: TZ, disclaimer: 'Not financial advice.' });

  it('titles the snapshot with the operator day', () => {
    expect(snapshot.title).toBe('Daily snapshot — 6 Dec 2026');
  });

  it('counts the day from midnight to midnight in the operator time zone, by band', () => {
    expect(snapshot.text.split('\n\n')[0]).toBe([
      'Signals today: 4',
      'Band A: 2 signals, 0 open, +1.70% over 2 closed',
      'Band B: 1 signal, 1 open',
      'Band C: 1 signal, 0 open, +0.50% over 1 closed',
    ].join('\n'));
  });

  it('lists each signal of the day with its result and targets hit, in publish order', () => {
    expect(snapshot.text.split('\n\n')[1]).toBe([
      'XRPUSDT long (C): closed +0.50%',
      'BTCUSDT long (A): closed +3.20%, 1 target hit',
      'ETHUSDT short (A): stopped -1.50%',
      'SOLUSDT long (B): open',
    ].join('\n'));
  });

  it('names the best and the worst, and what is still open', () => {
    expect(snapshot.text.split('\n\n')[2]).toBe('Best: BTCUSDT long (A): closed +3.20%, 1 target hit\nWorst: ETHUSDT short (A): stopped -1.50%');
    expect(snapshot.text.split('\n\n')[3]).toBe('Still open: SOLUSDT long (B)');
  });

  it('gives the running track record over 30 days and all time', () => {
    expect(snapshot.text.split('\n\n')[4]).toBe([
      'Track record',
      'Last 30 days: 5 signals, 4 with a result: 3 wins (75%), average +1.1%, total +4.2%; 1 open',
      'All time: 6 signals, 5 with a result: 3 wins (60%), average 0.0%, total +0.2%; 1 open',
    ].join('\n'));
  });

  it('keeps the disclaimer apart from the text and last in the text file', () => {
    expect(snapshot.text).not.toContain('Not financial advice.');
    expect(snapshotAsText(snapshot).trimEnd().endsWith('\n\nNot financial advice.')).toBe(true);
  });

  it('keeps its figures, with a 30-day line ending on the day and a bar per band', () => {
    const { chart, best, worst, open, signals, byBand } = snapshot.figures;
    expect(signals).toBe(4);
    expect(byBand.A).toEqual({ count: 2, open: 0, scored: 2, cumulativePct: 1.7000000000000002 });
    expect([best?.symbol, worst?.symbol, open.map((o) => o.symbol)]).toEqual(['BTCUSDT', 'ETHUSDT', ['SOLUSDT']]);
    expect(chart.points).toHaveLength(30);
    expect(chart.points[0]).toEqual({ day: '2026-11-07', cumulativePct: 0 });
    expect(chart.points.find((p) => p.day === '2026-11-20')).toEqual({ day: '2026-11-20', cumulativePct: 2 });
    expect(chart.points.at(-1)).toEqual({ day: '2026-12-06', cumulativePct: 4.2 });
    expect(chart.bars).toEqual([{ band: 'A', cumulativePct: 3.7, scored: 3 }, { band: 'B', cumulativePct: 0, scored: 0 }, { band: 'C', cumulativePct: 0.5, scored: 1 }]);
    // Kept as JSON in the snapshots row.
    expect(JSON.parse(JSON.stringify(snapshot.figures))).toEqual(snapshot.figures);
  });

  it('says plainly when a day had no signals', () => {
    const quiet = composeSnapshot(gatherSnapshot(track, '2026-12-03', TZ, NOW), { timeZone: TZ, disclaimer: null });
    expect(quiet.text.split('\n\n')[0]).toBe('No signals were published today.');
    expect(quiet.text).toContain('Track record');
    expect(snapshotAsText(quiet)).not.toContain('advice');
  });
});

describe('operator days', () => {
  it('turns an instant into the day in the time zone, and the day into its bounds', () => {
    expect(dayOf(at('2026-12-05T23:30:00Z'), TZ)).toBe('2026-12-06');
    expect(dayBounds('2026-12-06', TZ)).toEqual({ from: at('2026-12-05T23:00:00Z'), to: at('2026-12-06T23:00:00Z') });
    // The day summer time ends in Paris has 25 hours.
    const { from, to } = dayBounds('2026-10-25', TZ);
    expect(to - from).toBe(25 * 3_600_000);
  });

  it('with SNAPSHOT_TIME, covers the 24 hours to that time on the day, so a signal after the snapshot is in the next day\'s', () => {
    const six = { hour: 18, minute: 0 };
    expect(dayBounds('2026-12-06', TZ, six)).toEqual({ from: at('2026-12-05T17:00:00Z'), to: at('2026-12-06T17:00:00Z') });
    expect(snapshotDayOf(at('2026-12-06T16:59:00Z'), TZ, six)).toBe('2026-12-06');
    expect(snapshotDayOf(at('2026-12-06T17:00:00Z'), TZ, six)).toBe('2026-12-07');
    // Across the end of summer time the period has 25 hours, and no instant falls between two days.
    const { from, to } = dayBounds('2026-10-25', TZ, six);
    expect([to - from, dayBounds('2026-10-26', TZ, six).from]).toEqual([25 * 3_600_000, to]);
  });

  it('with SNAPSHOT_TIME, counts the signals since that time yesterday and says so', () => {
    const six = { hour: 18, minute: 0 };
    // 20:00 on the 6th in Paris: after the 18:00 snapshot, so in the 7th's, with ADAUSDT (00:30 on the 7th).
    const late = memoryTrack([
      result({ symbol: 'LINKUSDT', band: 'A', publishedAt: at('2026-12-06T19:00:00Z') }),
      result({ symbol: 'ADAUSDT', band: 'B', publishedAt: at('2026-12-06T23:30:00Z'), status: 'closed', resultPct: 9, exitedAt: at('2026-12-07T08:00:00Z') }),
    ]);
    const sixth = composeSnapshot(gatherSnapshot(late, '2026-12-06', TZ, at('2026-12-06T17:00:00Z'), six), { timeZone: TZ, disclaimer: null, endsAt: six });
    const seventh = composeSnapshot(gatherSnapshot(late, '2026-12-07', TZ, at('2026-12-07T17:00:00Z'), six), { timeZone: TZ, disclaimer: null, endsAt: six });
    expect(sixth.text.split('\n\n')[0]).toBe('No signals were published since 18:00 yesterday.');
    expect(seventh.text.split('\n')[0]).toBe('Signals since 18:00 yesterday: 2');
    expect(seventh.figures.chart.points.at(-1)).toEqual({ day: '2026-12-07', cumulativePct: 9 });
  });

  it('refuses a date that is not a calendar day, naming it', () => {
    expect(parseDay('2026-12-06')).toBe('2026-12-06');
    for (const bad of ['2026-02-30', '06/12/2026', 'yesterday']) expect(() => parseDay(bad)).toThrow(`"${bad}" is not a date`);
  });
});
