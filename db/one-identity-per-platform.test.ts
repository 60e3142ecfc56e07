// The migration to one identity per platform per account: a shipped database whose accounts hold two
// Telegram users keeps each account's oldest, moves the others to accounts of their own, and then refuses a second one.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, openDatabase, runMigrations, type Db } from './client';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const RULE_TAG = 'one_identity_per_platform';
let before: string;

beforeAll(() => {
  // Every migration before this rule, whatever its number after a merge.
  before = mkdtempSync(join(tmpdir(), 'sc-migrations-'));
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  const rule = journal.entries.findIndex((e) => e.tag.endsWith(RULE_TAG));
  expect(rule).toBeGreaterThan(0);
  const entries = journal.entries.slice(0, rule);
  mkdirSync(join(before, 'meta'));
  writeFileSync(join(before, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
  for (const e of entries) copyFileSync(join(MIGRATIONS_FOLDER, `${e.tag}.sql`), join(before, `${e.tag}.sql`));
});
afterAll(() => rmSync(before, { recursive: true, force: true }));

type Row = Record<string, unknown>;
const all = (db: Db, sql: string, ...args: unknown[]) => db.$client.prepare(sql).all(...args) as Row[];

function seedSharedAccount(db: Db): void {
  db.$client.exec(`
    INSERT INTO accounts (id, min_band) VALUES ('acc_payer', 'A'), ('acc_solo', NULL);
    INSERT INTO subscriptions (id, account_id, plan_id, status, source, updated_at) VALUES ('sub_1', 'acc_payer', 'pro', 'active', 'stripe', ${T0});
    INSERT INTO identities (id, account_id, platform, platform_user_id, username, created_at) VALUES
      ('idn_payer', 'acc_payer', 'telegram', '7001', 'payer', ${T0}),
      ('idn_friend', 'acc_payer', 'telegram', '7002', 'friend', ${T0 + 1_000}),
      ('idn_web', 'acc_payer', 'testchat', '42', NULL, ${T0 + 2_000}),
      ('idn_solo', 'acc_solo', 'telegram', '7003', NULL, ${T0});
    INSERT INTO destinations (id, platform, kind, address, recipient_key, identity_id, account_id, content_kinds, created_at) VALUES
      ('dst_payer', 'telegram', 'direct', '{"platform":"telegram","chatId":"7001"}', 'telegram:7001', 'idn_payer', 'acc_payer', '["alert"]', ${T0}),
      ('dst_friend', 'telegram', 'direct', '{"platform":"telegram","chatId":"7002"}', 'telegram:7002', 'idn_friend', 'acc_payer', '["alert"]', ${T0});
  `);
}

describe('migration to one identity per platform', () => {
  it("keeps each account's oldest identity on a platform and moves the others, with their direct messages, to free accounts of their own", () => {
    const db = openDatabase(':memory:', { migrate: false });
    migrate(db, { migrationsFolder: before });
    seedSharedAccount(db);

    runMigrations(db);

    const friend = all(db, "SELECT account_id FROM identities WHERE id = 'idn_friend'")[0]!.account_id as string;
    expect(friend).toMatch(/^acc_[0-9a-f]{24}$/);
    expect(all(db, 'SELECT id, account_id FROM identities ORDER BY id')).toEqual([
      { id: 'idn_friend', account_id: friend }, { id: 'idn_payer', account_id: 'acc_payer' }, { id: 'idn_solo', account_id: 'acc_solo' }, { id: 'idn_web', account_id: 'acc_payer' },
    ]);
    expect(all(db, 'SELECT id, account_id FROM destinations ORDER BY id')).toEqual([{ id: 'dst_friend', account_id: friend }, { id: 'dst_payer', account_id: 'acc_payer' }]);
    expect(all(db, 'SELECT display_name, min_band, direct_messages, time_zone, paused FROM accounts WHERE id = ?', friend))
      .toEqual([{ display_name: 'friend', min_band: null, direct_messages: 1, time_zone: 'UTC', paused: 0 }]);
    expect(all(db, 'SELECT account_id FROM subscriptions')).toEqual([{ account_id: 'acc_payer' }]);
    const audit = all(db, 'SELECT actor, action, subject_type, subject_id, data FROM audit_events');
    expect(audit).toEqual([{ actor: 'system', action: 'identity.unlinked', subject_type: 'account', subject_id: 'acc_payer', data: expect.any(String) }]);
    expect(JSON.parse(audit[0]!.data as string)).toEqual({ identityId: 'idn_friend', platform: 'telegram', platformUserId: '7002', toAccountId: friend, self: false });
    expect(all(db, "SELECT name FROM sqlite_temp_master WHERE name = 'identity_moves'")).toEqual([]);
    expect(all(db, 'PRAGMA foreign_key_check')).toEqual([]);
  });

  it('then refuses a second identity of a platform on one account in the database itself', () => {
    const db = openDatabase(':memory:', { migrate: false });
    migrate(db, { migrationsFolder: before });
    seedSharedAccount(db);
    runMigrations(db);
    expect(() => db.$client.exec(`INSERT INTO identities (id, account_id, platform, platform_user_id) VALUES ('idn_x', 'acc_payer', 'telegram', '7009')`))
      .toThrow(/UNIQUE constraint failed: identities.account_id, identities.platform/);
    db.$client.exec(`INSERT INTO identities (id, account_id, platform, platform_user_id) VALUES ('idn_d', 'acc_payer', 'discord', '9')`);
  });
});
