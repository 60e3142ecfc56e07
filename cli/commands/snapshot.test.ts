import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSnapshots } from '../../app/snapshots';
import { loadConfig } from '../../config';
import { FakeClock } from '../../core/clock';
import { DEFAULT_PLANS } from '../../core/plans';
import { recordingLogger } from '../../core/testing/logger';
import { openMemoryDatabase, type Db } from '../../db/client';
import { SqliteAccountStore } from '../../db/stores/account-store';
import { EXIT } from '../io';
import { testCli } from './cli.fixtures';

let db: Db;
let clock: FakeClock;
let out: string;

beforeEach(async () => {
  db = openMemoryDatabase();
  clock = new FakeClock(Date.UTC(2026, 11, 6, 17, 0, 0));
  out = mkdtempSync(join(tmpdir(), 'snapshot-cli-'));
  const accounts = new SqliteAccountStore({ db, clock });
  // Two free channels taking snapshots (the built-in free plan has snapshot: true), one that does not take them.
  for (const [chatId, kinds] of [['-100', ['alert', 'snapshot']], ['-200', ['alert', 'snapshot']], ['-300', ['alert']]] as const) {
    await accounts.addDestination({ kind: 'channel', recipient: { platform: 'telegram', chatId }, contentKinds: [...kinds], isGroup: true });
  }
});

afterEach(() => {
  db.$client.close();
  rmSync(out, { recursive: true, force: true });
});

function cli() {
  const config = loadConfig({ OPERATOR_TIME_ZONE: 'Europe/Paris', DISCLAIMER: 'Not financial advice.' });
  const snapshots = createSnapshots({ db, config, plans: DEFAULT_PLANS, clock, logger: recordingLogger() });
  return testCli(db, clock, DEFAULT_PLANS, { snapshots });
}

const plannedRows = () => (db.$client.prepare(`SELECT COUNT(*) AS n FROM deliveries WHERE kind = 'snapshot'`).get() as { n: number }).n;

describe('signalcast snapshot preview', () => {
  it('writes the text and the PNG of the day and prints their paths, planning nothing', async () => {
    const { io, run } = cli();
    expect(await run('snapshot', 'preview', '--date', '2026-12-05', '--out', out)).toBe(EXIT.ok);
    const txt = join(out, 'snapshot-2026-12-05.txt');
    const png = join(out, 'snapshot-2026-12-05.png');
    expect(io.stdout).toEqual(['The snapshot of 2026-12-05 as it would be sent now:', txt, png]);
    expect(readFileSync(txt, 'utf8')).toMatch(/^Daily snapshot — 5 Dec 2026\n\nNo signals were published since 18:00 yesterday\.\n\nTrack record\n[\s\S]*\n\nNot financial advice\.\n$/);
    const bytes = readFileSync(png);
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1200, 675]);
    expect(plannedRows()).toBe(0);
  });

  it('takes today in the operator time zone by default', async () => {
    const { io, run } = cli();
    expect(await run('snapshot', 'preview', '--out', out)).toBe(EXIT.ok);
    expect(io.stdout[1]).toBe(join(out, 'snapshot-2026-12-06.txt'));
  });

  it('refuses a bad date, naming it, and writes nothing', async () => {
    const { io, run } = cli();
    expect(await run('snapshot', 'preview', '--date', '2026-13-01', '--out', out)).toBe(EXIT.usage);
    expect(io.stderr.join('\n')).toContain('"2026-13-01" is not a date: expected a calendar day as YYYY-MM-DD');
    expect(existsSync(join(out, 'snapshot-2026-13-01.txt'))).toBe(false);
  });
});

describe('signalcast snapshot send', () => {
  it('plans the day once per destination taking snapshots; a second send plans nothing and says how many were planned', async () => {
    const first = cli();
    expect(await first.run('snapshot', 'send', '--date', '2026-12-06')).toBe(EXIT.ok);
    expect(first.io.stdout).toEqual(['The snapshot of 2026-12-06 is planned for 2 destinations; the running service sends it.']);
    const second = cli();
    expect(await second.run('snapshot', 'send', '--date', '2026-12-06')).toBe(EXIT.ok);
    expect(second.io.stdout).toEqual(['The snapshot of 2026-12-06 was already planned for 2 destinations: nothing new planned.']);
    expect(plannedRows()).toBe(2);
  });

  it('previews the kept snapshot once it was sent, unchanged', async () => {
    const { io, run } = cli();
    await run('snapshot', 'send');
    expect(await run('snapshot', 'preview', '--out', out)).toBe(EXIT.ok);
    expect(io.stdout[1]).toBe('The snapshot of 2026-12-06 as it was kept (and sent):');
  });

  it('refuses to plan again a snapshot kept longer ago than DELIVERED_RETENTION_DAYS (90), whose sent rows may be pruned', async () => {
    await cli().run('snapshot', 'send', '--date', '2026-12-06');
    clock.set(clock.now() + 90 * 86_400_000);
    const { io, run } = cli();
    expect(await run('snapshot', 'send', '--date', '2026-12-06')).toBe(EXIT.usage);
    expect(io.stderr.join('\n')).toContain('the snapshot of 2026-12-06 was kept longer ago than DELIVERED_RETENTION_DAYS');
    expect(plannedRows()).toBe(2);
  });

  it('refuses a bad date and plans nothing', async () => {
    const { io, run } = cli();
    expect(await run('snapshot', 'send', '--date', 'tomorrow')).toBe(EXIT.usage);
    expect(io.stderr.join('\n')).toContain('"tomorrow" is not a date');
    expect(plannedRows()).toBe(0);
  });
});
