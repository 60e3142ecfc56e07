import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../core/clock';
import { loadConfig, type Config } from '../config';
import { openMemoryDatabase, type Db } from '../db/client';
import { SqliteApiKeyStore } from '../db/stores/api-key-store';
import { SqliteAuditLog } from '../db/stores/audit-store';
import { SqliteDeliveryStore } from '../db/stores/delivery-store';
import { SqliteSignalService } from '../db/stores/signal-service';
import { seedSubscribers } from '../db/testing/seed';
import { DEFAULT_PLANS } from '../core/plans';
import { captureIo } from './io';
import { runCli, type CliContext, type CliDeps } from './program';

interface Setup {
  db: Db;
  io: ReturnType<typeof captureIo>;
  run: (...args: string[]) => Promise<number>;
  started: Config[];
}

function setup(options: { env?: Record<string, string>; context?: (ctx: CliContext) => CliContext } = {}): Setup {
  const db = openMemoryDatabase();
  const clock = new FakeClock(Date.now());
  const io = captureIo();
  const started: Config[] = [];
  const deps: CliDeps = {
    io,
    loadConfig: () => loadConfig(options.env ?? {}),
    openDatabase: () => db,
    closeDatabase: () => {},
    createContext: () => {
      const ctx: CliContext = {
        clock,
        apiKeys: new SqliteApiKeyStore({ db, clock }),
        audit: new SqliteAuditLog({ db, clock }),
        signals: new SqliteSignalService({ db, clock, plans: DEFAULT_PLANS, bands: { aMin: 0.8, bMin: 0.6 } }),
        deliveries: new SqliteDeliveryStore({ db, clock }),
        platforms: ['telegram', 'testchat'],
      };
      return options.context ? options.context(ctx) : ctx;
    },
    start: async (config) => {
      started.push(config);
    },
  };
  return { db, io, started, run: (...args) => runCli(args, deps) };
}

const publishFlags = ['--symbol', 'BTCUSDT', '--market', 'crypto', '--side', 'long', '--conviction', '0.82', '--reason', 'Breakout', '--reason', 'Funding reset'];
const rows = (db: Db, sql: string) => db.$client.prepare(sql).all() as Record<string, unknown>[];

describe('signalcast keys', () => {
  it('creates a key, prints it once, lists it without the key, and revokes it by prefix', async () => {
    const s = setup();
    expect(await s.run('keys', 'create', 'quant engine')).toBe(0);
    const key = s.io.stdout.join('\n').match(/sc_[0-9A-Za-z]{32,}/)?.[0];
    expect(key).toBeDefined();
    const keys = new SqliteApiKeyStore({ db: s.db, clock: new FakeClock() });
    expect(keys.verify(key!)).not.toBeNull();

    s.io.stdout.length = 0;
    expect(await s.run('keys', 'list')).toBe(0);
    expect(s.io.stdout[0]).toMatch(/^ID\s+PREFIX\s+NAME/);
    expect(s.io.stdout.join('\n')).toContain('quant engine');
    expect(s.io.stdout.join('\n')).not.toContain(key!);

    expect(await s.run('keys', 'revoke', key!.slice(0, 11))).toBe(0);
    expect(keys.verify(key!)).toBeNull();
    expect(rows(s.db, "select action from audit_events where subject_type = 'api_key' order by id").map((r) => r.action)).toEqual(['api_key.created', 'api_key.revoked']);
  });

  it('lists keys as JSON', async () => {
    const s = setup();
    await s.run('keys', 'create', 'a');
    s.io.stdout.length = 0;
    await s.run('keys', 'list', '--json');
    expect(JSON.parse(s.io.stdout[0]!)).toEqual([expect.objectContaining({ name: 'a', revokedAt: null })]);
  });

  it('fails with one line and exit 1 for a key it cannot find', async () => {
    const s = setup();
    expect(await s.run('keys', 'revoke', 'key_nope')).toBe(1);
    expect(s.io.stderr).toEqual(['error: no API key with id or prefix "key_nope"']);
  });

  it('is bad usage (exit 2) without a name', async () => {
    const s = setup();
    expect(await s.run('keys', 'create')).toBe(2);
    expect(s.io.stderr.join('\n')).toContain("missing required argument 'name'");
  });
});

describe('signalcast signal publish', () => {
  it('publishes from flags and prints the outcome; the same publisher id again creates nothing', async () => {
    const s = setup();
    seedSubscribers(s.db, { count: 3, planId: 'pro' });
    expect(await s.run('signal', 'publish', '--publisher-id', 'sig-42', ...publishFlags, '--target', '67000', '--target', '70000', '--entry', '64000')).toBe(0);
    expect(s.io.stdout.join('\n')).toMatch(/Published sig_\w+ \(publisher id "sig-42"\): BTCUSDT long, conviction 0.82 \(band A\)\.\n3 deliveries planned, 0 skipped\./);
    const [signal] = rows(s.db, 'select * from signals');
    expect(signal).toMatchObject({ publisher_id: 'sig-42', published_by: 'cli', entry: 64000, targets: '[67000,70000]', reasons: '["Breakout","Funding reset"]' });

    s.io.stdout.length = 0;
    expect(await s.run('signal', 'publish', '--publisher-id', 'sig-42', ...publishFlags)).toBe(0);
    expect(s.io.stdout[0]).toMatch(/^Already published: publisher id "sig-42" is signal sig_/);
    expect(rows(s.db, 'select id from signals')).toHaveLength(1);
  });

  it('names every bad flag and exits 2, storing nothing', async () => {
    const s = setup();
    expect(await s.run('signal', 'publish', '--market', 'crypto', '--side', 'long', '--conviction', 'high', '--reason', '')).toBe(2);
    expect(s.io.stderr).toHaveLength(1);
    const line = s.io.stderr[0]!;
    expect(line).toMatch(/^error: /);
    expect(line).toContain('--symbol: required');
    expect(line).toContain('--conviction: expected a number');
    expect(line).toContain('--reason #1:');
    expect(rows(s.db, 'select id from signals')).toHaveLength(0);
  });

  it('refuses a side that is not long, short or close', async () => {
    const s = setup();
    expect(await s.run('signal', 'publish', '--side', 'up')).toBe(2);
    expect(s.io.stderr.join('\n')).toContain("argument 'up' is invalid");
  });

  it('publishes from a JSON file', async () => {
    const s = setup();
    const dir = mkdtempSync(join(tmpdir(), 'sc-cli-'));
    const file = join(dir, 'signal.json');
    writeFileSync(file, JSON.stringify({ publisherId: 'f-1', symbol: 'ETH', market: 'crypto', side: 'short', conviction: 0.5, reasons: ['r'] }));
    expect(await s.run('signal', 'publish', '--file', file)).toBe(0);
    expect(rows(s.db, 'select publisher_id, band from signals')).toEqual([{ publisher_id: 'f-1', band: 'C' }]);
  });

  it('exits 2 for a missing file, a file that is not JSON, a bad signal in a file, and a file with flags', async () => {
    const s = setup();
    const dir = mkdtempSync(join(tmpdir(), 'sc-cli-'));
    writeFileSync(join(dir, 'bad.json'), '{ nope');
    writeFileSync(join(dir, 'invalid.json'), JSON.stringify({ publisherId: 'x', side: 'sideways' }));
    expect(await s.run('signal', 'publish', '--file', join(dir, 'missing.json'))).toBe(2);
    expect(await s.run('signal', 'publish', '--file', join(dir, 'bad.json'))).toBe(2);
    expect(await s.run('signal', 'publish', '--file', join(dir, 'invalid.json'))).toBe(2);
    expect(await s.run('signal', 'publish', '--file', join(dir, 'bad.json'), '--symbol', 'X')).toBe(2);
    expect(s.io.stderr).toEqual([
      expect.stringContaining('no such file'),
      expect.stringContaining('is not valid JSON'),
      expect.stringMatching(/^error: .*side: expected one of/),
      'error: give either --file or the signal flags, not both',
    ]);
  });
});

describe('signalcast deliveries', () => {
  function withDead(s: Setup, n: number): number[] {
    seedSubscribers(s.db, { count: n, planId: 'pro' });
    return [];
  }

  it('lists dead deliveries and queues chosen ones again', async () => {
    const s = setup();
    withDead(s, 3);
    await s.run('signal', 'publish', ...publishFlags);
    s.db.$client.exec("update deliveries set state = 'dead', attempts = 8, last_error = 'chat is down', last_error_code = 'delivery_temporary'");
    const ids = rows(s.db, 'select id from deliveries order by id').map((r) => Number(r.id));
    s.io.stdout.length = 0;

    expect(await s.run('deliveries', 'dead')).toBe(0);
    expect(s.io.stdout[0]).toMatch(/^ID\s+PLATFORM\s+RECIPIENT/);
    expect(s.io.stdout.filter((l) => l.includes('chat is down'))).toHaveLength(3);
    expect(s.io.stdout.at(-1)).toMatch(/^3 dead\./);

    s.io.stdout.length = 0;
    expect(await s.run('deliveries', 'retry', String(ids[0]), String(ids[1]))).toBe(0);
    expect(s.io.stdout[0]).toBe('2 deliveries queued again, due now.');
    expect(rows(s.db, 'select state, attempts from deliveries order by id')).toEqual([
      { state: 'pending', attempts: 0 }, { state: 'pending', attempts: 0 }, { state: 'dead', attempts: 8 },
    ]);
  });

  it('retrying a dead quiet-hours digest holds its alerts again and says so', async () => {
    const s = setup();
    withDead(s, 1);
    await s.run('signal', 'publish', ...publishFlags);
    const alert = rows(s.db, 'select id, destination_ref, platform from deliveries')[0] as { id: number; destination_ref: number; platform: string };
    // Held for the 07:00 window and dead with its digest, as migration 0013's trigger leaves them.
    const window = Math.floor(Date.parse('2026-12-08T07:00:00Z') / 60_000);
    s.db.$client.prepare("update deliveries set state = 'dead', due_at = ? where id = ?").run(window * 60_000, alert.id);
    const digest = Number(s.db.$client.prepare(`insert into deliveries (content_type, content_ref, kind, destination_ref, priority, due_at, state, attempts, created_at, updated_at, platform)
      values ('digest', ?, 'digest', ?, 0, ?, 'dead', 5, 0, 0, ?)`).run(window, alert.destination_ref, window * 60_000, alert.platform).lastInsertRowid);
    s.io.stdout.length = 0;

    expect(await s.run('deliveries', 'retry', String(digest), String(alert.id))).toBe(0);

    expect(s.io.stdout).toEqual(['1 delivery queued again, due now.', '1 alert goes in its retried quiet-hours digest again, not one by one.']);
    expect(rows(s.db, 'select kind, state from deliveries order by id')).toEqual([{ kind: 'alert', state: 'held' }, { kind: 'digest', state: 'pending' }]);
  });

  it('queues every dead delivery with --all, and filters the list by platform', async () => {
    const s = setup();
    withDead(s, 2);
    await s.run('signal', 'publish', ...publishFlags);
    s.db.$client.exec("update deliveries set state = 'dead'");
    s.io.stdout.length = 0;
    expect(await s.run('deliveries', 'dead', '--platform', 'telegram')).toBe(0);
    expect(s.io.stdout).toEqual(['No dead deliveries.']);
    expect(await s.run('deliveries', 'dead', '--platform', 'testchat', '--json')).toBe(0);
    expect(JSON.parse(s.io.stdout[1]!)).toHaveLength(2);
    expect(await s.run('deliveries', 'retry', '--all')).toBe(0);
    expect(rows(s.db, "select id from deliveries where state = 'dead'")).toHaveLength(0);
  });

  it('is bad usage without ids, with ids and --all, with a bad id, platform or limit', async () => {
    const s = setup();
    expect(await s.run('deliveries', 'retry')).toBe(2);
    expect(await s.run('deliveries', 'retry', '1', '--all')).toBe(2);
    expect(await s.run('deliveries', 'retry', 'abc')).toBe(2);
    expect(await s.run('deliveries', 'dead', '--platform', 'myspace')).toBe(2);
    expect(await s.run('deliveries', 'dead', '--limit', '0')).toBe(2);
    expect(s.io.stderr).toHaveLength(5);
  });
});

describe('signalcast plans check', () => {
  it('describes a valid file', async () => {
    const s = setup();
    expect(await s.run('plans', 'check', 'plans.example.yaml')).toBe(0);
    expect(s.io.stdout[0]).toMatch(/^plans.example.yaml is valid: \d+ plans\.$/);
    expect(s.io.stdout.join('\n')).toContain('free (Free, level 0)');
  });

  it('lists every problem and exits 78 for an invalid file', async () => {
    const s = setup();
    const dir = mkdtempSync(join(tmpdir(), 'sc-cli-'));
    const file = join(dir, 'plans.yaml');
    writeFileSync(file, 'graceDays: 3\nplans:\n  - id: Pro Plan\n    name: Pro\n    level: -1\n    stripePriceId: null\n    priceCents: 0\n');
    expect(await s.run('plans', 'check', file)).toBe(78);
    const err = s.io.stderr.join('\n');
    expect(err).toContain('plans[0].id');
    expect(err).toContain('plans[0].level');
  });

  it('checks PLANS_FILE when no file is given, and the built-in plans without one', async () => {
    const withFile = setup({ env: { PLANS_FILE: 'plans.example.yaml' } });
    expect(await withFile.run('plans', 'check')).toBe(0);
    expect(withFile.io.stdout[0]).toContain('plans.example.yaml is valid');
    const without = setup();
    expect(await without.run('plans', 'check')).toBe(0);
    expect(without.io.stdout[0]).toContain('PLANS_FILE is not set');
  });

  it('exits 2 for a file that does not exist', async () => {
    const s = setup();
    expect(await s.run('plans', 'check', 'nope.yaml')).toBe(2);
    expect(s.io.stderr).toEqual(['error: cannot read nope.yaml: no such file']);
  });
});

describe('signalcast (general)', () => {
  it('exits 78 naming the setting when the configuration is invalid', async () => {
    const s = setup({ env: { PORT: 'eighty' } });
    expect(await s.run('keys', 'list')).toBe(78);
    expect(s.io.stderr.join('\n')).toMatch(/PORT: .*number/i);
  });

  it('starts the service with the loaded settings', async () => {
    const s = setup({ env: { PORT: '9999' } });
    expect(await s.run('start')).toBe(0);
    expect(s.started.map((c) => c.port)).toEqual([9999]);
  });

  it('reports the migrations', async () => {
    const s = setup();
    expect(await s.run('migrate')).toBe(0);
    expect(s.io.stdout[0]).toMatch(/^Database is up to date \(\d+ migrations?\)\.$/);
  });

  it('shows help with examples (exit 0), and help for bad usage (exit 2)', async () => {
    const s = setup();
    expect(await s.run('--help')).toBe(0);
    expect(s.io.stdout.join('\n')).toMatch(/Usage: signalcast[\s\S]*Examples:/);
    s.io.stdout.length = 0;
    expect(await s.run('signal', 'publish', '--help')).toBe(0);
    expect(s.io.stdout.join('\n')).toContain('--publisher-id <id>');
    expect(s.io.stdout.join('\n')).toContain('signalcast signal publish --file signal.json');
    expect(await s.run('frobnicate')).toBe(2);
    expect(s.io.stderr.join('\n')).toContain("unknown command 'frobnicate'");
    expect(await s.run()).toBe(2);
  });

  it("prints package.json's version for --version and -V (exit 0), without reading the settings", async () => {
    const s = setup({ env: { PORT: 'not a port' } });
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(await s.run('--version')).toBe(0);
    expect(await s.run('-V')).toBe(0);
    expect(s.io.stdout).toEqual([pkg.version, pkg.version]);
    expect(s.io.stderr).toEqual([]);
  });

  it('prints one line without a stack for a runtime failure, and the stack with LOG_LEVEL=debug', async () => {
    const failing = (ctx: CliContext): CliContext => ({ ...ctx, apiKeys: { ...ctx.apiKeys, list: () => { throw new Error('database is locked'); } } as CliContext['apiKeys'] });
    const quiet = setup({ context: failing });
    expect(await quiet.run('keys', 'list')).toBe(1);
    expect(quiet.io.stderr).toEqual(['error: database is locked']);
    const loud = setup({ context: failing, env: { LOG_LEVEL: 'debug' } });
    expect(await loud.run('keys', 'list')).toBe(1);
    expect(loud.io.stderr[1]).toMatch(/^Error: database is locked\n\s+at /);
  });

  it('never prints a configured secret in an error', async () => {
    const secret = 'the-ingest-signing-secret-value';
    const leaky = (ctx: CliContext): CliContext => ({ ...ctx, apiKeys: { ...ctx.apiKeys, list: () => { throw new Error(`bad secret ${secret}`); } } as CliContext['apiKeys'] });
    const s = setup({ context: leaky, env: { INGEST_SIGNING_SECRET: secret, LOG_LEVEL: 'debug' } });
    expect(await s.run('keys', 'list')).toBe(1);
    expect(s.io.stderr.join('\n')).not.toContain(secret);
    expect(s.io.stderr[0]).toBe('error: bad secret [REDACTED]');
  });
});
