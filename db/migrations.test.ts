// Shipped databases move forward: one made by the first migration keeps its destinations and deliveries through the later ones.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { generateSQLiteDrizzleJson, generateSQLiteMigration } from 'drizzle-kit/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../core/clock';
import { MIGRATIONS_FOLDER, openDatabase, openMemoryDatabase, runMigrations, type Db } from './client';
import * as schema from './schema';
import { SqliteDeliveryStore } from './stores/delivery-store';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const DAY = '2026-01-15';

interface JournalEntry { idx: number; tag: string; when: number }

let firstOnly: string;

/** A migrations folder holding only 0000, as the first release shipped it. */
beforeAll(() => {
  firstOnly = mkdtempSync(join(tmpdir(), 'sc-migrations-'));
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
  const first = journal.entries[0]!;
  expect(first.tag).toBe('0000_init');
  mkdirSync(join(firstOnly, 'meta'));
  writeFileSync(join(firstOnly, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: [first] }));
  copyFileSync(join(MIGRATIONS_FOLDER, `${first.tag}.sql`), join(firstOnly, `${first.tag}.sql`));
});
afterAll(() => rmSync(firstOnly, { recursive: true, force: true }));

/** A database at 0000, opened as the service opens it (foreign keys on). */
function openAtFirstRelease(): Db {
  const db = openDatabase(':memory:', { migrate: false });
  migrate(db, { migrationsFolder: firstOnly });
  return db;
}

type Row = Record<string, unknown>;
const all = (db: Db, sql: string, ...args: unknown[]) => db.$client.prepare(sql).all(...args) as Row[];
const columnsOf = (db: Db, table: string) => all(db, `SELECT name FROM pragma_table_info('${table}') ORDER BY cid`).map((r) => r.name);

/** Every table and index as SQL (triggers are not drizzle's: candidate-cache.test.ts checks them), quoting and spacing aside (a rename rewrites a table's name and references with other quotes). */
const schemaOf = (db: Db) => all(db, "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type <> 'trigger' AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations' ORDER BY type, name")
  .map((r): Row => ({ ...r, sql: String(r.sql).replace(/[`"]/g, '').replace(/\s+/g, ' ') }));

/** A database made in one step from db/schema.ts, as drizzle-kit would write it: what the migrations must add up to. */
async function openFromSchemaFile(): Promise<Db> {
  const db = openDatabase(':memory:', { migrate: false });
  const statements = await generateSQLiteMigration(await generateSQLiteDrizzleJson({}), await generateSQLiteDrizzleJson(schema));
  for (const statement of statements) db.$client.exec(statement);
  return db;
}

/** Destinations and deliveries in the 0000 shape, with rowid gaps and ids that do not sort like their rowids. */
function seedOldShape(db: Db): void {
  db.$client.exec(`
    INSERT INTO accounts (id) VALUES ('acc_free'), ('acc_pro');
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
    expect(after).toEqual(before.map(({ old_rowid, ...row }) => ({ ref: old_rowid, ...row })));
    expect(all(db, 'SELECT rowid AS r, ref FROM destinations').every((r) => r.r === r.ref)).toBe(true);
    // AUTOINCREMENT's counter moved with the rename; the old deliveries' counter went with their table.
    expect(all(db, 'SELECT name, seq FROM sqlite_sequence ORDER BY name')).toEqual([{ name: 'destinations', seq: 4 }]);
    // New destinations continue after the highest ref, and the public id stays unique.
    db.$client.exec(`INSERT INTO destinations (id, platform, kind, address, recipient_key, content_kinds)
      VALUES ('dst_new', 'testchat', 'direct', '{"platform":"testchat","chatId":"9"}', 'testchat:9', '["alert"]')`);
    expect(all(db, "SELECT ref FROM destinations WHERE id = 'dst_new'")).toEqual([{ ref: 5 }]);
    expect(() => db.$client.exec(`INSERT INTO destinations (id, platform, kind, address, recipient_key, content_kinds)
      VALUES ('dst_new', 'testchat', 'direct', '{}', 'testchat:10', '[]')`)).toThrow(/UNIQUE constraint failed: destinations.id/);
  });

  it('move deliveries to destination refs, keeping the account only where a daily cap counts the row', () => {
    const db = openAtFirstRelease();
    seedOldShape(db);
    const kept = ['id', 'content_type', 'content_id', 'kind', 'priority', 'due_at', 'state', 'skip_reason', 'attempts', 'last_error', 'last_error_code',
      'platform_message_id', 'claimed_at', 'sent_at', 'created_at', 'updated_at'];
    const before = all(db, `SELECT ${kept.join(', ')} FROM deliveries ORDER BY id`);

    runMigrations(db);

    expect(columnsOf(db, 'deliveries')).toEqual([
      'id', 'content_type', 'content_id', 'kind', 'destination_ref', 'cap_account_id', 'priority', 'due_at', 'cap_day', 'state', 'skip_reason',
      'attempts', 'last_error', 'last_error_code', 'platform_message_id', 'claimed_at', 'sent_at', 'created_at', 'updated_at',
    ]);
    expect(all(db, `SELECT ${kept.join(', ')} FROM deliveries ORDER BY id`)).toEqual(before);
    expect(all(db, `SELECT d.id, dest.id AS destination, d.destination_ref, d.cap_account_id, d.cap_day
      FROM deliveries d JOIN destinations dest ON dest.ref = d.destination_ref ORDER BY d.id`)).toEqual([
      { id: 10, destination: 'dst_z', destination_ref: 1, cap_account_id: 'acc_free', cap_day: DAY },
      { id: 11, destination: 'dst_z', destination_ref: 1, cap_account_id: null, cap_day: null },
      { id: 12, destination: 'dst_z', destination_ref: 1, cap_account_id: null, cap_day: null },
      { id: 20, destination: 'dst_a', destination_ref: 3, cap_account_id: null, cap_day: null },
      { id: 21, destination: 'dst_m', destination_ref: 4, cap_account_id: null, cap_day: null },
    ]);
    // New rows continue after the highest id.
    db.$client.exec(`INSERT INTO deliveries (content_type, content_id, kind, destination_ref, priority, due_at, state, created_at, updated_at)
      VALUES ('signal', 'sig_3', 'alert', 1, 0, ${T0}, 'pending', ${T0}, ${T0})`);
    expect(all(db, "SELECT id FROM deliveries WHERE content_id = 'sig_3'")).toEqual([{ id: 22 }]);
  });

  it('end with the schema db/schema.ts describes, its foreign keys and indexes whole', async () => {
    const db = openAtFirstRelease();
    seedOldShape(db);
    runMigrations(db);
    const described = schemaOf(await openFromSchemaFile());
    expect(described.map((r) => r.name)).toEqual(expect.arrayContaining(['deliveries', 'destinations', 'destinations_id_unique', 'deliveries_cap_day_idx']));
    expect(schemaOf(db)).toEqual(described);
    expect(schemaOf(openMemoryDatabase())).toEqual(described);
    expect(all(db, 'PRAGMA foreign_key_check')).toEqual([]);
    expect(all(db, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    expect(all(db, "SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list('deliveries')")).toEqual([{ table: 'destinations', from: 'destination_ref', to: 'ref' }]);
    const indexes = all(db, `SELECT il.name, il."unique", il.partial, group_concat(ii.name) AS columns
      FROM pragma_index_list('deliveries') il, pragma_index_info(il.name) ii GROUP BY il.name ORDER BY il.name`);
    expect(indexes).toEqual([
      { name: 'deliveries_cap_day_idx', unique: 0, partial: 1, columns: 'cap_account_id,cap_day' },
      { name: 'deliveries_content_destination_kind_idx', unique: 1, partial: 0, columns: 'content_id,destination_ref,kind' },
      { name: 'deliveries_due_idx', unique: 0, partial: 0, columns: 'state,priority,due_at' },
    ]);
    expect(() => db.$client.exec(`INSERT INTO deliveries (content_type, content_id, kind, destination_ref, priority, due_at, state, created_at, updated_at)
      VALUES ('signal', 'sig_x', 'alert', 99, 0, 0, 'pending', 0, 0)`)).toThrow(/FOREIGN KEY constraint failed/);
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
