// Shipped databases move forward: one made by the first migration, or one at 0002, keeps its signals, destinations and deliveries
// through the later migrations.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { generateSQLiteDrizzleJson, generateSQLiteMigration } from 'drizzle-kit/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../core/clock';
import { MIGRATIONS_FOLDER, openDatabase, openMemoryDatabase, runMigrations, type Db } from './client';
import * as schema from './schema';
import { SqliteAccountStore } from './stores/account-store';
import { CandidateCache } from './stores/candidate-cache';
import { SqliteContentResolver } from './stores/delivery-content';
import { SqliteDeliveryStore } from './stores/delivery-store';
import { USAGE_SQL } from './stores/candidate-source';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const DAY = '2026-01-15';

interface JournalEntry { idx: number; tag: string; when: number }

let firstOnly: string;
let throughPlanning: string;

/** A migrations folder holding the real migrations up to and including `lastTag`. */
function migrationsThrough(lastTag: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'sc-migrations-'));
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
  const last = journal.entries.findIndex((e) => e.tag === lastTag);
  expect(last).toBeGreaterThanOrEqual(0);
  const entries = journal.entries.slice(0, last + 1);
  mkdirSync(join(folder, 'meta'));
  writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
  for (const e of entries) copyFileSync(join(MIGRATIONS_FOLDER, `${e.tag}.sql`), join(folder, `${e.tag}.sql`));
  return folder;
}

beforeAll(() => {
  // As the first release shipped it, and as it stood before signals got their ref.
  firstOnly = migrationsThrough('0000_init');
  throughPlanning = migrationsThrough('0002_planning_changes');
});
afterAll(() => {
  rmSync(firstOnly, { recursive: true, force: true });
  rmSync(throughPlanning, { recursive: true, force: true });
});

/** A database migrated with this folder's migrations, opened as the service opens it (foreign keys on). */
function openWith(migrationsFolder: string): Db {
  const db = openDatabase(':memory:', { migrate: false });
  migrate(db, { migrationsFolder });
  return db;
}

/** A database at 0000. */
const openAtFirstRelease = () => openWith(firstOnly);

type Row = Record<string, unknown>;
const all = (db: Db, sql: string, ...args: unknown[]) => db.$client.prepare(sql).all(...args) as Row[];
const columnsOf = (db: Db, table: string) => all(db, `SELECT name FROM pragma_table_info('${table}') ORDER BY cid`).map((r) => r.name);

/** Every table and index as SQL (triggers are not drizzle's: candidate-cache.test.ts checks them), quoting and spacing aside (a rename rewrites a table's name and references with other quotes). */
const schemaOf = (db: Db) => all(db, "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type <> 'trigger' AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations' ORDER BY type, name")
  .map((r): Row => ({ ...r, sql: String(r.sql).replace(/[`"]/g, '').replace(/\s+/g, ' ').replace(/ ([,)])/g, '$1') }));

/** A database made in one step from db/schema.ts, as drizzle-kit would write it: what the migrations must add up to. */
async function openFromSchemaFile(): Promise<Db> {
  const db = openDatabase(':memory:', { migrate: false });
  const statements = await generateSQLiteMigration(await generateSQLiteDrizzleJson({}), await generateSQLiteDrizzleJson(schema));
  for (const statement of statements) db.$client.exec(statement);
  return db;
}

/** Signals, destinations and deliveries in the 0000 shape, with rowid gaps and ids that do not sort like their rowids. */
function seedOldShape(db: Db): void {
  db.$client.exec(`
    INSERT INTO accounts (id) VALUES ('acc_free'), ('acc_pro');
    INSERT INTO signals (id, publisher_id, symbol, market, side, conviction, band, reasons, created_at) VALUES
      ('sig_2', 'pub-2', 'ETHUSDT', 'crypto', 'short', 0.65, 'B', '["Lower high"]', ${T0 - 1_000}),
      ('sig_1', 'pub-1', 'BTCUSDT', 'crypto', 'long', 0.86, 'A', '["Breakout"]', ${T0});
    INSERT INTO destinations (id, platform, kind, address, recipient_key, account_id, content_kinds, created_at) VALUES
      ('dst_z', 'testchat', 'direct', '{"platform":"testchat","chatId":"1"}', 'testchat:1', 'acc_free', '["alert"]', ${T0}),
      ('dst_gone', 'testchat', 'direct', '{"platform":"testchat","chatId":"2"}', 'testchat:2', 'acc_free', '["alert"]', ${T0}),
      ('dst_a', 'telegram', 'channel', '{"platform":"telegram","chatId":"-100"}', 'telegram:-100', NULL, '["alert","rationale"]', ${T0}),
      ('dst_m', 'telegram', 'direct', '{"platform":"telegram","chatId":"7"}', 'telegram:7', 'acc_pro', '["alert"]', ${T0});
    DELETE FROM destinations WHERE id = 'dst_gone';
    UPDATE destinations SET is_group = 1, label = 'Free room', plan_id = 'free' WHERE id = 'dst_a';
    UPDATE destinations SET enabled = 0, disabled_reason = 'blocked', disabled_at = ${T0 + 5} WHERE id = 'dst_m';
  `);
  const insert = db.$client.prepare(`INSERT INTO deliveries (id, content_type, content_id, kind, destination_id, account_id, platform, recipient_key,
      priority, due_at, utc_day, cap_day, state, skip_reason, attempts, last_error, last_error_code, platform_message_id, claimed_at, sent_at, created_at, updated_at)
    VALUES (@id, 'signal', @content, @kind, @dest, @account, @platform, @key, @priority, @due, '${DAY}', @capDay, @state, @skip, @attempts,
      @error, @errorCode, @messageId, @claimed, @sent, ${T0}, @updated)`);
  const base = {
    kind: 'alert', account: null, capDay: null, priority: 10, due: T0 + 900_000, state: 'pending', skip: null, attempts: 0,
    error: null, errorCode: null, messageId: null, claimed: null, sent: null, updated: T0,
  };
  const free = { dest: 'dst_z', account: 'acc_free', platform: 'testchat', key: 'testchat:1' };
  insert.run({ ...base, ...free, id: 10, content: 'sig_1', capDay: DAY });
  insert.run({ ...base, ...free, id: 11, content: 'sig_2', state: 'skipped', skip: 'daily_cap' });
  insert.run({ ...base, ...free, id: 12, content: 'sig_1', kind: 'rationale', priority: 10, state: 'sending', claimed: T0 + 1 });
  // Before 0001 a free channel's rows carried the cap day without an account; they never counted toward anything.
  insert.run({ ...base, id: 20, content: 'sig_1', dest: 'dst_a', platform: 'telegram', key: 'telegram:-100', capDay: DAY,
    state: 'sent', attempts: 1, messageId: '501', sent: T0 + 900_010, updated: T0 + 900_010 });
  insert.run({ ...base, id: 21, content: 'sig_1', dest: 'dst_m', account: 'acc_pro', platform: 'telegram', key: 'telegram:7', priority: 0, due: T0,
    state: 'dead', attempts: 1, error: 'Forbidden: bot was blocked by the user', errorCode: '403', updated: T0 + 5 });
}

describe('migrations from the first release', () => {
  it('give existing destinations their rowid as ref and keep every other field', () => {
    const db = openAtFirstRelease();
    seedOldShape(db);
    const before = all(db, 'SELECT rowid AS old_rowid, * FROM destinations ORDER BY rowid');
    expect(before.map((r) => [r.old_rowid, r.id])).toEqual([[1, 'dst_z'], [3, 'dst_a'], [4, 'dst_m']]);

    runMigrations(db);

    const after = all(db, 'SELECT * FROM destinations ORDER BY ref');
    expect(after).toEqual(before.map(({ old_rowid, ...row }) => ({ ref: old_rowid, ...row, tenant: null, filters: null })));
    expect(all(db, 'SELECT rowid AS r, ref FROM destinations').every((r) => r.r === r.ref)).toBe(true);
    // AUTOINCREMENT's counters moved with the renames; the old deliveries' counter went with their table.
    // (A later migration's statements that insert nothing still leave counters at 0: not counted here.)
    expect(all(db, 'SELECT name, seq FROM sqlite_sequence WHERE seq > 0 ORDER BY name')).toEqual([{ name: 'destinations', seq: 4 }, { name: 'signals', seq: 2 }]);
    // New destinations continue after the highest ref, and the public id stays unique.
    db.$client.exec(`INSERT INTO destinations (id, platform, kind, address, recipient_key, content_kinds)
      VALUES ('dst_new', 'testchat', 'direct', '{"platform":"testchat","chatId":"9"}', 'testchat:9', '["alert"]')`);
    expect(all(db, "SELECT ref FROM destinations WHERE id = 'dst_new'")).toEqual([{ ref: 5 }]);
    expect(() => db.$client.exec(`INSERT INTO destinations (id, platform, kind, address, recipient_key, content_kinds)
      VALUES ('dst_new', 'testchat', 'direct', '{}', 'testchat:10', '[]')`)).toThrow(/UNIQUE constraint failed: destinations.id/);
  });

  it('move deliveries to destination and signal refs, keeping the account only where a daily cap counts the row', () => {
    const db = openAtFirstRelease();
    seedOldShape(db);
    const contents = all(db, 'SELECT id, content_id FROM deliveries ORDER BY id');
    const kept = ['id', 'content_type', 'kind', 'priority', 'due_at', 'state', 'skip_reason', 'attempts', 'last_error', 'last_error_code',
      'platform_message_id', 'claimed_at', 'sent_at', 'created_at', 'updated_at'];
    const before = all(db, `SELECT ${kept.join(', ')} FROM deliveries ORDER BY id`);

    runMigrations(db);

    expect(columnsOf(db, 'deliveries')).toEqual([
      'id', 'content_type', 'content_ref', 'kind', 'destination_ref', 'cap_account_id', 'priority', 'due_at', 'cap_day', 'state', 'skip_reason',
      'attempts', 'last_error', 'last_error_code', 'platform_message_id', 'claimed_at', 'sent_at', 'created_at', 'updated_at',
      // 0005: rows planned before it are sent unprotected, as they were planned.
      'protect_content',
      'expires_at',
      // 0015: every row takes its destination's platform.
      'platform',
    ]);
    expect(all(db, 'SELECT DISTINCT protect_content FROM deliveries')).toEqual([{ protect_content: 0 }]);
    expect(all(db, `SELECT ${kept.join(', ')} FROM deliveries ORDER BY id`)).toEqual(before);
    expect(all(db, 'SELECT d.id, s.id AS content_id FROM deliveries d JOIN signals s ON s.ref = d.content_ref ORDER BY d.id')).toEqual(contents);
    expect(all(db, `SELECT d.id, dest.id AS destination, d.destination_ref, d.cap_account_id, d.cap_day
      FROM deliveries d JOIN destinations dest ON dest.ref = d.destination_ref ORDER BY d.id`)).toEqual([
      { id: 10, destination: 'dst_z', destination_ref: 1, cap_account_id: 'acc_free', cap_day: DAY },
      { id: 11, destination: 'dst_z', destination_ref: 1, cap_account_id: null, cap_day: null },
      { id: 12, destination: 'dst_z', destination_ref: 1, cap_account_id: null, cap_day: null },
      { id: 20, destination: 'dst_a', destination_ref: 3, cap_account_id: null, cap_day: null },
      { id: 21, destination: 'dst_m', destination_ref: 4, cap_account_id: null, cap_day: null },
    ]);
    expect(all(db, `SELECT d.id FROM deliveries d JOIN destinations dest ON dest.ref = d.destination_ref
      WHERE d.platform IS NOT dest.platform`)).toEqual([]);
    // New rows continue after the highest id.
    db.$client.exec(`INSERT INTO deliveries (content_type, content_ref, kind, destination_ref, priority, due_at, state, created_at, updated_at, platform)
      VALUES ('signal', 1, 'alert', 3, 0, ${T0}, 'pending', ${T0}, ${T0}, 'telegram')`);
    expect(all(db, 'SELECT id FROM deliveries WHERE content_ref = 1 AND destination_ref = 3')).toEqual([{ id: 22 }]);
  });

  it('end with the schema db/schema.ts describes, its foreign keys and indexes whole', async () => {
    const db = openAtFirstRelease();
    seedOldShape(db);
    runMigrations(db);
    const described = schemaOf(await openFromSchemaFile());
    expect(described.map((r) => r.name)).toEqual(expect.arrayContaining(['deliveries', 'destinations', 'destinations_id_unique', 'deliveries_cap_usage_idx']));
    expect(schemaOf(db)).toEqual(described);
    expect(schemaOf(openMemoryDatabase())).toEqual(described);
    expect(all(db, 'PRAGMA foreign_key_check')).toEqual([]);
    expect(all(db, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    expect(all(db, "SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list('deliveries')")).toEqual([{ table: 'destinations', from: 'destination_ref', to: 'ref' }]);
    const indexes = all(db, `SELECT il.name, il."unique", il.partial, group_concat(ii.name) AS columns
      FROM pragma_index_list('deliveries') il, pragma_index_info(il.name) ii GROUP BY il.name ORDER BY il.name`);
    expect(indexes).toEqual([
      { name: 'deliveries_cap_usage_idx', unique: 0, partial: 1, columns: 'cap_day,cap_account_id,content_ref' },
      { name: 'deliveries_content_destination_kind_idx', unique: 1, partial: 0, columns: 'content_ref,destination_ref,kind' },
      // 0015: each platform's due rows are one range of it.
      { name: 'deliveries_due_idx', unique: 0, partial: 0, columns: 'state,platform,priority,due_at' },
      // 0014: pending rows that can expire, for the expiry sweep.
      { name: 'deliveries_expiry_idx', unique: 0, partial: 1, columns: 'expires_at' },
      // 0013: a quiet window's held (and superseded) alerts at one destination, for its digest.
      { name: 'deliveries_quiet_idx', unique: 0, partial: 1, columns: 'destination_ref,due_at' },
    ]);
    expect(() => db.$client.exec(`INSERT INTO deliveries (content_type, content_ref, kind, destination_ref, priority, due_at, state, created_at, updated_at)
      VALUES ('signal', 1, 'alert', 99, 0, 0, 'pending', 0, 0)`)).toThrow(/FOREIGN KEY constraint failed/);
  });

  it('leave the outbox working on the migrated rows: due, in flight and dead, with the destination\'s platform and address', () => {
    const db = openAtFirstRelease();
    seedOldShape(db);
    runMigrations(db);
    const store = new SqliteDeliveryStore({ db, clock: new FakeClock(T0) });
    expect(store.findDue({ now: T0 + 900_000, platforms: ['testchat', 'telegram'], limit: 10 })).toEqual([
      expect.objectContaining({
        id: 10, destinationId: 'dst_z', accountId: 'acc_free', platform: 'testchat', recipientKey: 'testchat:1',
        recipient: { platform: 'testchat', chatId: '1' }, isGroup: false, priority: 10, kind: 'alert', contentId: 'sig_1',
      }),
    ]);
    expect(store.listDead({ limit: 10, platform: 'telegram' })).toEqual([
      expect.objectContaining({ id: 21, destinationId: 'dst_m', destinationEnabled: false, platform: 'telegram', recipientKey: 'telegram:7', lastErrorCode: '403' }),
    ]);
    expect(store.recoverInFlight(T0 + 2)).toEqual([
      { id: 12, platform: 'testchat', recipientKey: 'testchat:1', contentId: 'sig_1', kind: 'rationale', claimedAt: T0 + 1 },
    ]);
  });

  it('stop, changing nothing, at a delivery whose destination is missing rather than drop it', () => {
    const db = openAtFirstRelease();
    seedOldShape(db);
    db.$client.pragma('foreign_keys = OFF');
    db.$client.exec(`INSERT INTO deliveries (content_type, content_id, kind, destination_id, platform, recipient_key, priority, due_at, utc_day, state, created_at, updated_at)
      VALUES ('signal', 'sig_9', 'alert', 'dst_gone', 'testchat', 'testchat:2', 0, ${T0}, '${DAY}', 'pending', ${T0}, ${T0})`);
    db.$client.pragma('foreign_keys = ON');

    let error: (Error & { cause?: unknown }) | undefined;
    try {
      runMigrations(db);
    } catch (e) {
      error = e as Error;
    }
    expect(String(error?.cause)).toMatch(/NOT NULL constraint failed: __new_deliveries.destination_ref/);
    expect(all(db, 'SELECT count(*) AS n FROM __drizzle_migrations')).toEqual([{ n: 1 }]);
    expect(columnsOf(db, 'deliveries')).toContain('destination_id');
    expect(all(db, 'SELECT count(*) AS n FROM deliveries')).toEqual([{ n: 6 }]);
    expect(all(db, "SELECT name FROM sqlite_master WHERE name LIKE '\\_\\_new%' ESCAPE '\\'")).toEqual([]);
  });
});

/** Signals with their updates, destinations and deliveries as they stood at 0002: deliveries name their signal by its text id. */
function seedBeforeSignalRefs(db: Db): void {
  db.$client.exec(`
    INSERT INTO accounts (id) VALUES ('acc_free');
    INSERT INTO destinations (id, platform, kind, address, recipient_key, account_id, content_kinds, created_at) VALUES
      ('dst_1', 'testchat', 'direct', '{"platform":"testchat","chatId":"1"}', 'testchat:1', 'acc_free', '["alert","rationale"]', ${T0}),
      ('dst_2', 'telegram', 'channel', '{"platform":"telegram","chatId":"-100"}', 'telegram:-100', NULL, '["alert"]', ${T0});
    INSERT INTO signals (id, publisher_id, symbol, market, side, conviction, band, persona, reasons, entry, stop, targets, horizon, published_by,
        rationale_text, rationale_model, rationale_latency_ms, rationale_at, created_at) VALUES
      ('sig_z', 'pub-z', 'BTCUSDT', 'crypto', 'long', 0.86, 'A', 'quant', '["Breakout","Funding negative"]', 100, 95, '[110,120]', '3d', 'cli',
        'Momentum and positioning agree.', 'gpt-test', 850, ${T0 + 2_000}, ${T0}),
      ('sig_gone', 'pub-gone', 'XRPUSDT', 'crypto', 'long', 0.5, 'C', NULL, '["x"]', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, ${T0}),
      ('sig_a', 'pub-a', 'ETHUSDT', 'crypto', 'short', 0.7, 'B', NULL, '["Lower high"]', NULL, NULL, NULL, NULL, 'api-key:k1', NULL, NULL, NULL, NULL, ${T0 + 1_000}),
      ('sig_m', 'pub-m', 'SOLUSDT', 'crypto', 'close', 0.9, 'A', NULL, '["Target reached"]', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, ${T0 + 3_000});
    DELETE FROM signals WHERE id = 'sig_gone';
    INSERT INTO signal_updates (id, signal_id, publisher_update_id, kind, target_index, price, result_pct, note, created_at) VALUES
      ('upd_2', 'sig_z', 'pub-upd-1', 'target_hit', 0, 110, 10, 'first target', ${T0 + 5}),
      ('upd_1', 'sig_a', NULL, 'stopped', NULL, 95, -5, NULL, ${T0 + 6});
  `);
  const insert = db.$client.prepare(`INSERT INTO deliveries (id, content_type, content_id, kind, destination_ref, cap_account_id, priority, due_at, cap_day,
      state, skip_reason, attempts, last_error, last_error_code, platform_message_id, claimed_at, sent_at, created_at, updated_at)
    VALUES (@id, 'signal', @content, @kind, (SELECT ref FROM destinations WHERE id = @dest), @capAccount, @priority, @due, @capDay,
      @state, @skip, @attempts, @error, @errorCode, @messageId, @claimed, @sent, ${T0}, @updated)`);
  const base = {
    kind: 'alert', dest: 'dst_1', capAccount: null, capDay: null, priority: 10, due: T0 + 900_000, state: 'pending', skip: null, attempts: 0,
    error: null, errorCode: null, messageId: null, claimed: null, sent: null, updated: T0,
  };
  const capped = { capAccount: 'acc_free', capDay: DAY };
  insert.run({ ...base, ...capped, id: 10, content: 'sig_z', state: 'sent', attempts: 1, messageId: '501', sent: T0 + 900_010, updated: T0 + 900_010 });
  insert.run({ ...base, id: 11, content: 'sig_z', kind: 'rationale', state: 'sending', claimed: T0 + 1 });
  insert.run({ ...base, ...capped, id: 12, content: 'sig_a' });
  insert.run({ ...base, id: 13, content: 'sig_m', state: 'skipped', skip: 'daily_cap' });
  insert.run({ ...base, id: 14, content: 'sig_a', dest: 'dst_2', priority: 0, due: T0, state: 'dead', attempts: 1,
    error: 'Forbidden: bot was blocked', errorCode: '403', updated: T0 + 5 });
  insert.run({ ...base, id: 16, content: 'sig_m', dest: 'dst_2', priority: 0, due: T0 });
}

const openAtPlanningChanges = () => openWith(throughPlanning);
const triggersOf = (db: Db) => all(db, "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name");

describe('migration 0003 (signal refs) from a database at 0002', () => {
  it('gives existing signals their rowid as ref, keeps every other field, and keeps their updates', () => {
    const db = openAtPlanningChanges();
    seedBeforeSignalRefs(db);
    const before = all(db, 'SELECT rowid AS old_rowid, * FROM signals ORDER BY rowid');
    expect(before.map((r) => [r.old_rowid, r.id])).toEqual([[1, 'sig_z'], [3, 'sig_a'], [4, 'sig_m']]);
    const updates = all(db, 'SELECT * FROM signal_updates ORDER BY rowid');

    runMigrations(db);

    // Later migrations add columns; every column there was keeps its value.
    expect(all(db, 'SELECT * FROM signals ORDER BY ref')).toEqual(before.map(({ old_rowid, ...row }) => expect.objectContaining({ ref: old_rowid, ...row })));
    expect(all(db, 'SELECT rowid AS r, ref FROM signals').every((r) => r.r === r.ref)).toBe(true);
    expect(all(db, 'SELECT * FROM signal_updates ORDER BY rowid')).toEqual(updates.map((u) => expect.objectContaining(u)));
    // AUTOINCREMENT's counter moved with the rename.
    expect(all(db, "SELECT seq FROM sqlite_sequence WHERE name = 'signals'")).toEqual([{ seq: 4 }]);
    // New signals continue after the highest ref; the public id stays unique, and updates still refer to it.
    const insertSignal = (id: string, publisherId: string) => db.$client.exec(`INSERT INTO signals (id, publisher_id, symbol, market, side, conviction, band, reasons)
      VALUES ('${id}', '${publisherId}', 'BTCUSDT', 'crypto', 'long', 0.8, 'A', '[]')`);
    insertSignal('sig_new', 'pub-new');
    expect(all(db, "SELECT ref FROM signals WHERE id = 'sig_new'")).toEqual([{ ref: 5 }]);
    expect(() => insertSignal('sig_new', 'pub-other')).toThrow(/UNIQUE constraint failed: signals.id/);
    expect(all(db, "SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list('signal_updates')")).toEqual([{ table: 'signals', from: 'signal_id', to: 'id' }]);
    db.$client.exec("INSERT INTO signal_updates (id, signal_id, kind) VALUES ('upd_3', 'sig_new', 'closed')");
    expect(() => db.$client.exec("INSERT INTO signal_updates (id, signal_id, kind) VALUES ('upd_4', 'sig_gone', 'closed')")).toThrow(/FOREIGN KEY constraint failed/);
  });

  it('points every delivery at its signal\'s ref and keeps every other field', () => {
    const db = openAtPlanningChanges();
    seedBeforeSignalRefs(db);
    const contents = all(db, 'SELECT id, content_id FROM deliveries ORDER BY id');
    const kept = ['id', 'content_type', 'kind', 'destination_ref', 'cap_account_id', 'priority', 'due_at', 'cap_day', 'state', 'skip_reason', 'attempts',
      'last_error', 'last_error_code', 'platform_message_id', 'claimed_at', 'sent_at', 'created_at', 'updated_at'];
    const before = all(db, `SELECT ${kept.join(', ')} FROM deliveries ORDER BY id`);
    const usage = all(db, `SELECT COUNT(DISTINCT content_id) AS n FROM deliveries
      WHERE cap_account_id = 'acc_free' AND cap_day = '${DAY}' AND kind = 'alert' AND content_type = 'signal' AND state <> 'skipped'`);
    expect(usage).toEqual([{ n: 2 }]);

    runMigrations(db);

    expect(columnsOf(db, 'deliveries')).toEqual(['id', 'content_type', 'content_ref', ...kept.slice(2), 'protect_content', 'expires_at', 'platform']);
    expect(all(db, `SELECT ${kept.join(', ')} FROM deliveries ORDER BY id`)).toEqual(before);
    expect(all(db, 'SELECT id, content_ref FROM deliveries ORDER BY id')).toEqual([
      { id: 10, content_ref: 1 }, { id: 11, content_ref: 1 }, { id: 12, content_ref: 3 }, { id: 13, content_ref: 4 }, { id: 14, content_ref: 3 }, { id: 16, content_ref: 4 },
    ]);
    expect(all(db, 'SELECT d.id, s.id AS content_id FROM deliveries d JOIN signals s ON s.ref = d.content_ref ORDER BY d.id')).toEqual(contents);
    // The daily cap counts the same distinct signals.
    expect(new Map(db.$client.prepare(USAGE_SQL).raw().all(DAY, 0) as [string, number][]).get('acc_free')).toBe(2);
    // The unique index now holds the ref; new rows continue after the highest id.
    const insert = (contentRef: number) => db.$client.exec(`INSERT INTO deliveries (content_type, content_ref, kind, destination_ref, priority, due_at, state, created_at, updated_at)
      VALUES ('signal', ${contentRef}, 'alert', 2, 0, ${T0}, 'pending', ${T0}, ${T0})`);
    expect(() => insert(3)).toThrow(/UNIQUE constraint failed: deliveries.content_ref, deliveries.destination_ref, deliveries.kind/);
    insert(1);
    expect(all(db, 'SELECT id FROM deliveries WHERE content_ref = 1 AND destination_ref = 2')).toEqual([{ id: 17 }]);
  });

  it('ends with the schema db/schema.ts describes, leaves the planning triggers alone, and puts no foreign key on content_ref', async () => {
    const db = openAtPlanningChanges();
    seedBeforeSignalRefs(db);
    const triggers = triggersOf(db);
    expect(triggers.map((t) => t.name)).toContain('planning_destination_inserted');

    runMigrations(db);

    expect(schemaOf(db)).toEqual(schemaOf(await openFromSchemaFile()));
    // The planning triggers as they were; 0013 adds the digest's, which settles the alerts it held.
    const added = ['deliveries_digest_settles_held'];
    expect(triggersOf(db).filter((t) => !added.includes(String(t.name)))).toEqual(triggers);
    expect(triggersOf(db).map((t) => t.name)).toEqual(expect.arrayContaining(added));
    expect(all(db, 'PRAGMA foreign_key_check')).toEqual([]);
    expect(all(db, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    // content_ref names a row of the table its content_type names (only signals today): no foreign key can say that.
    expect(all(db, "SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list('deliveries')")).toEqual([{ table: 'destinations', from: 'destination_ref', to: 'ref' }]);
    expect(all(db, "SELECT name FROM sqlite_master WHERE name LIKE '\\_\\_new%' ESCAPE '\\'")).toEqual([]);
  });

  it('leaves the outbox and its content working on the migrated rows, with the signals\' public ids', () => {
    const db = openAtPlanningChanges();
    seedBeforeSignalRefs(db);
    runMigrations(db);
    const store = new SqliteDeliveryStore({ db, clock: new FakeClock(T0) });
    const due = store.findDue({ now: T0 + 900_000, platforms: ['testchat', 'telegram'], limit: 10 });
    expect(due.map((d) => [d.id, d.contentType, d.contentId, d.destinationId])).toEqual([[16, 'signal', 'sig_m', 'dst_2'], [12, 'signal', 'sig_a', 'dst_1']]);
    expect(store.listDead({ limit: 10 })).toEqual([expect.objectContaining({ id: 14, contentType: 'signal', contentId: 'sig_a', destinationId: 'dst_2' })]);
    const recovered = store.recoverInFlight(T0 + 2);
    expect(recovered).toEqual([{ id: 11, platform: 'testchat', recipientKey: 'testchat:1', contentId: 'sig_z', kind: 'rationale', claimedAt: T0 + 1 }]);
    // The recovered rationale replies to the alert already sent to that destination.
    const [rationale] = store.findDue({ now: T0 + 900_000, platforms: ['testchat'], limit: 10 }).filter((d) => d.id === 11);
    expect(new SqliteContentResolver({ db }).resolve(rationale!, T0 + 900_000)).toMatchObject({
      kind: 'rationale', text: 'Momentum and positioning agree.', replyToMessageId: '501', signal: { id: 'sig_z', symbol: 'BTCUSDT', targets: [110, 120] },
    });
  });

  it.each([
    ['whose signal is missing', "('signal', 'sig_gone')"],
    ['whose content is not a signal', "('snapshot', 'snap_1')"],
  ])('stops, changing nothing, at a delivery %s rather than drop it', (_, content) => {
    const db = openAtPlanningChanges();
    seedBeforeSignalRefs(db);
    db.$client.exec(`INSERT INTO deliveries (content_type, content_id, kind, destination_ref, priority, due_at, state, created_at, updated_at)
      VALUES ${content.slice(0, -1)}, 'alert', 1, 0, ${T0}, 'pending', ${T0}, ${T0})`);
    const triggers = triggersOf(db);
    const schema = schemaOf(db);

    let error: (Error & { cause?: unknown }) | undefined;
    try {
      runMigrations(db);
    } catch (e) {
      error = e as Error;
    }
    expect(String(error?.cause)).toMatch(/NOT NULL constraint failed: __new_deliveries.content_ref/);
    expect(all(db, 'SELECT count(*) AS n FROM __drizzle_migrations')).toEqual([{ n: 3 }]);
    expect(schemaOf(db)).toEqual(schema);
    expect(triggersOf(db)).toEqual(triggers);
    expect(columnsOf(db, 'deliveries')).toContain('content_id');
    expect(all(db, 'SELECT count(*) AS n FROM deliveries')).toEqual([{ n: 7 }]);
    expect(all(db, 'SELECT count(*) AS n FROM signals')).toEqual([{ n: 3 }]);
  });
});

describe('migration 0004 (cap usage index) from a database at 0003', () => {
  it('takes the cap fields off rows skipped after planning, so that only counted rows carry them, and counts by day from the new index', () => {
    const throughSignalRefs = migrationsThrough('0003_signal_refs');
    try {
      const db = openWith(throughSignalRefs);
      db.$client.exec(`
        INSERT INTO accounts (id) VALUES ('acc_free');
        INSERT INTO destinations (id, platform, kind, address, recipient_key, account_id, content_kinds, created_at) VALUES
          ('dst_1', 'testchat', 'direct', '{"platform":"testchat","chatId":"1"}', 'testchat:1', 'acc_free', '["alert"]', ${T0});
        INSERT INTO deliveries (id, content_type, content_ref, kind, destination_ref, cap_account_id, priority, due_at, cap_day, state, skip_reason, created_at, updated_at) VALUES
          (1, 'signal', 1, 'alert', 1, 'acc_free', 10, ${T0}, '${DAY}', 'sent', NULL, ${T0}, ${T0}),
          (2, 'signal', 2, 'alert', 1, 'acc_free', 10, ${T0}, '${DAY}', 'skipped', 'destination_disabled', ${T0}, ${T0}),
          (3, 'signal', 3, 'alert', 1, NULL, 10, ${T0}, NULL, 'skipped', 'daily_cap', ${T0}, ${T0});
      `);
      runMigrations(db);
      expect(all(db, 'SELECT id, state, cap_account_id, cap_day FROM deliveries ORDER BY id')).toEqual([
        { id: 1, state: 'sent', cap_account_id: 'acc_free', cap_day: DAY },
        { id: 2, state: 'skipped', cap_account_id: null, cap_day: null },
        { id: 3, state: 'skipped', cap_account_id: null, cap_day: null },
      ]);
      expect(db.$client.prepare(USAGE_SQL).raw().all(DAY, 0)).toEqual([['acc_free', 1]]);
      expect(all(db, "SELECT name FROM sqlite_master WHERE name LIKE 'deliveries_cap%'")).toEqual([{ name: 'deliveries_cap_usage_idx' }]);
    } finally {
      rmSync(throughSignalRefs, { recursive: true, force: true });
    }
  });
});

describe('migration 0009 (tenancy) from a database at 0008', () => {
  it('keeps every identity and destination made before it working as it did: no tenant, the same recipient keys, the same lookups and rules', async () => {
    const beforeTenancy = migrationsThrough('0008_delivery_protect_content');
    try {
      const db = openWith(beforeTenancy);
      db.$client.exec(`
        INSERT INTO accounts (id) VALUES ('acc_1');
        INSERT INTO identities (id, account_id, platform, platform_user_id, created_at) VALUES ('idn_1', 'acc_1', 'telegram', '42', ${T0});
        INSERT INTO destinations (id, platform, kind, address, recipient_key, identity_id, account_id, plan_id, content_kinds, created_at) VALUES
          ('dst_dm', 'telegram', 'direct', '{"platform":"telegram","chatId":"42"}', 'telegram:42', 'idn_1', 'acc_1', NULL, '["alert"]', ${T0}),
          ('dst_room', 'telegram', 'channel', '{"platform":"telegram","chatId":"-100"}', 'telegram:-100', NULL, NULL, 'pro', '["alert"]', ${T0});
      `);
      runMigrations(db);

      expect(all(db, 'SELECT id, tenant FROM identities')).toEqual([{ id: 'idn_1', tenant: null }]);
      expect(all(db, 'SELECT id, recipient_key, tenant FROM destinations ORDER BY ref')).toEqual([
        { id: 'dst_dm', recipient_key: 'telegram:42', tenant: null },
        { id: 'dst_room', recipient_key: 'telegram:-100', tenant: null },
      ]);
      const accounts = new SqliteAccountStore({ db, clock: new FakeClock(T0) });
      expect((await accounts.findAccountByIdentity('telegram', '42'))?.id).toBe('acc_1');
      expect((await accounts.findDestinationByRecipient({ platform: 'telegram', chatId: '42' }))?.id).toBe('dst_dm');
      const other = await accounts.createAccount();
      await expect(accounts.addIdentity(other.id, 'telegram', '42')).rejects.toMatchObject({ code: 'conflict' });
      // The channel still follows its plan: no owner.
      expect(new CandidateCache(db.$client).candidates().find((c) => c.destinationId === 'dst_room')).toEqual(
        { kind: 'channel', destinationId: 'dst_room', platform: 'telegram', recipientKey: 'telegram:-100', planId: 'pro' });
      expect(all(db, 'PRAGMA foreign_key_check')).toEqual([]);
    } finally {
      rmSync(beforeTenancy, { recursive: true, force: true });
    }
  });
});
