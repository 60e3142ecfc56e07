// The outbox's queries, as the stores really run them, each use an index: none walks the deliveries table.
import type Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { openMemoryDatabase, type Db } from '../client';
import { seedChannel, seedSubscribers } from '../testing/seed';
import { SqliteContentResolver } from './delivery-content';
import { SqliteDeliveryStore } from './delivery-store';
import { getDelivery, insertDelivery, insertSignal } from './delivery-store.fixtures';
import { USAGE_SQL } from './candidate-source';
import { PLANNED_COUNTS_SQL } from './signal-store';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

interface Executed {
  source: string;
  args: unknown[];
}

/**
 * Wraps the handle's `prepare` so that every statement run through it (by the store's own SQL or
 * by drizzle) is recorded with its arguments; `explain` gives the plan SQLite chose for one.
 */
function recordStatements(sqlite: Database.Database): { executed: Executed[]; explain: (e: Executed) => string } {
  const executed: Executed[] = [];
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    const statement = prepare(source);
    const proxy: Database.Statement = new Proxy(statement, {
      get(target, key) {
        const value: unknown = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (key === 'run' || key === 'get' || key === 'all' || key === 'iterate') executed.push({ source, args });
          const out: unknown = value.apply(target, args);
          return out === target ? proxy : out;
        };
      },
    });
    return proxy;
  }) as typeof sqlite.prepare;
  const explain = (e: Executed) => (prepare(`EXPLAIN QUERY PLAN ${e.source}`).all(...e.args) as { detail: string }[]).map((r) => r.detail).join('\n');
  return { executed, explain };
}

const WALKS_DELIVERIES = /\bSCAN (d|deliveries)\b/;
/** A row names its signal by ref: the signal's public id is one primary-key probe per row. */
const SIGNAL_BY_REF = /SEARCH s USING INTEGER PRIMARY KEY \(rowid=\?\)/;

describe('delivery query plans', () => {
  let db: Db;
  let people: ReturnType<typeof seedSubscribers>;
  let signalId: string;

  beforeEach(() => {
    db = openMemoryDatabase();
    people = seedSubscribers(db, { count: 4, now: T0 });
    const channel = seedChannel(db, { recipient: { platform: 'telegram', chatId: '-100' }, now: T0 });
    signalId = insertSignal(db, { createdAt: T0, rationaleText: 'Momentum and positioning agree.' });
    people.destinationIds.forEach((destinationId, i) => insertDelivery(db, { destinationId, contentId: signalId, priority: i % 2 === 0 ? 0 : 10, dueAt: T0 + i }));
    insertDelivery(db, { destinationId: channel.destinationId, contentId: signalId, priority: 10, dueAt: T0 + 60_000 });
    insertDelivery(db, { destinationId: people.destinationIds[0]!, contentId: 'sig_old', dueAt: T0, state: 'dead', capAccountId: people.accountIds[0]!, capDay: '2026-01-15' });
  });

  it('reads due rows as one platform\'s range of the due index, the destination by its ref, and claims by id', () => {
    const { executed, explain } = recordStatements(db.$client);
    const store = new SqliteDeliveryStore({ db, clock: new FakeClock(T0) });
    const first = store.findDue({ now: T0 + 10, platforms: ['testchat', 'telegram'], limit: 2 });
    expect(first).toHaveLength(2);
    const last = first[1]!;
    expect(store.findDue({ now: T0 + 10, platforms: ['testchat'], limit: 5, after: { priority: last.priority, dueAt: last.dueAt, id: last.id } })).toHaveLength(2);
    expect(store.nextDueAt(['testchat', 'telegram'], T0 + 10)).toBe(T0 + 60_000);
    expect(store.claim(first.map((d) => d.id), T0 + 10)).toHaveLength(2);

    const due = executed.filter((e) => e.source.includes('dest.address'));
    expect(due).not.toHaveLength(0);
    for (const e of due) {
      const plan = explain(e);
      expect(plan, e.source).toMatch(/SEARCH d USING INDEX deliveries_due_idx \(state=\? AND platform=\? AND priority=\? AND (due_at<\?|due_at>\? AND due_at<\?|due_at=\? AND rowid>\?)\)/);
      expect(plan).toMatch(/SEARCH dest USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      expect(plan).toMatch(SIGNAL_BY_REF);
    }
    expect(first.map((d) => d.contentId)).toEqual([signalId, signalId]);
    const next = executed.filter((e) => e.source.includes('due_at > ?') && !e.source.includes('dest.address'));
    expect(next).not.toHaveLength(0);
    for (const e of next) expect(explain(e)).toMatch(/SEARCH d USING INDEX deliveries_due_idx \(state=\? AND platform=\? AND priority=\? AND due_at>\?\)/);
    const claim = executed.filter((e) => e.source.startsWith("UPDATE deliveries SET state = 'sending'"));
    expect(claim).toHaveLength(2);
    for (const e of claim) expect(explain(e)).toMatch(/SEARCH deliveries USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    for (const e of executed) expect(explain(e)).not.toMatch(WALKS_DELIVERIES);
  });

  it('reads due rows newest first as the same index range walked backwards, with no sort', () => {
    const { executed, explain } = recordStatements(db.$client);
    const store = new SqliteDeliveryStore({ db, clock: new FakeClock(T0) });
    const first = store.findDue({ now: T0 + 10, platforms: ['testchat', 'telegram'], limit: 2, order: 'newest' });
    expect(first.map((d) => [d.priority, d.dueAt])).toEqual([[0, T0 + 2], [0, T0]]);
    const last = first[1]!;
    const rest = store.findDue({ now: T0 + 10, platforms: ['testchat'], limit: 5, order: 'newest', after: { priority: last.priority, dueAt: last.dueAt, id: last.id } });
    expect(rest.map((d) => [d.priority, d.dueAt])).toEqual([[10, T0 + 3], [10, T0 + 1]]);

    const due = executed.filter((e) => e.source.includes('dest.address'));
    expect(due.length).toBeGreaterThanOrEqual(3);
    for (const e of due) {
      const plan = explain(e);
      // Past a cursor: its own due_at by rowid, then the due_at values beyond: both seeks, never the rows behind it.
      expect(plan, e.source).toMatch(/SEARCH d USING INDEX deliveries_due_idx \(state=\? AND platform=\? AND priority=\? AND (due_at<\?|due_at=\? AND rowid<\?)\)/);
      expect(plan).toMatch(/SEARCH dest USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      expect(plan, e.source).not.toMatch(/TEMP B-TREE/);
    }
    for (const e of executed) expect(explain(e), e.source).not.toMatch(WALKS_DELIVERIES);
  });

  it('sweeps expired rows as a range of the expiry index, reads the oldest pending alerts as each platform\'s ranges of the due index, and changes rows by id', () => {
    const expiring = insertDelivery(db, { destinationId: people.destinationIds[1]!, contentId: 'sig_expiring', priority: 0, dueAt: T0 - 1_000, expiresAt: T0 });
    const { executed, explain } = recordStatements(db.$client);
    const store = new SqliteDeliveryStore({ db, clock: new FakeClock(T0) });
    expect(store.expireDue(T0 + 10, 100)).toEqual([{ platform: 'testchat', count: 1 }]);
    expect(getDelivery(db, expiring).state).toBe('expired');
    expect(store.oldestPendingAlerts(T0 + 10, 50)).toEqual([{ platform: 'testchat', dueAt: T0 }]);

    const sweep = executed.filter((e) => e.source.includes('d.expires_at <= ?'));
    expect(sweep).toHaveLength(1);
    for (const e of sweep) {
      expect(explain(e), e.source).toMatch(/SEARCH d USING INDEX deliveries_expiry_idx \(expires_at>\? AND expires_at<\?\)/);
      expect(explain(e), e.source).not.toMatch(/TEMP B-TREE/);
    }
    const expire = executed.filter((e) => e.source.startsWith("UPDATE deliveries SET state = 'expired'"));
    expect(expire).toHaveLength(1);
    expect(explain(expire[0]!)).toMatch(/SEARCH deliveries USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    const oldest = executed.filter((e) => e.source.includes('min(f.due_at)'));
    expect(oldest.length).toBeGreaterThanOrEqual(2);
    for (const e of oldest) {
      const plan = explain(e);
      expect(plan, e.source).toMatch(/SEARCH d USING INDEX deliveries_due_idx \(state=\? AND platform=\? AND priority=\? AND due_at<\?\)/);
    }
    for (const e of executed) expect(explain(e), e.source).not.toMatch(WALKS_DELIVERIES);
  });

  it('records results, recovers, lists and retries dead letters without walking the table', () => {
    const { executed, explain } = recordStatements(db.$client);
    const store = new SqliteDeliveryStore({ db, clock: new FakeClock(T0) });
    const ids = store.findDue({ now: T0 + 10, platforms: ['testchat'], limit: 4 }).map((d) => d.id);
    store.claim(ids, T0 + 10);
    const [sent, retry, dead, permanent] = ids as [number, number, number, number];
    store.recordResults([
      { type: 'sent', id: sent, at: T0 + 11, platformMessageId: 'm-1' },
      { type: 'retry', id: retry, at: T0 + 11, dueAt: T0 + 1_000, attempts: 1, error: 'Bad Gateway', errorCode: '502' },
      { type: 'dead', id: dead, at: T0 + 11, attempts: 8, error: 'Bad Gateway', errorCode: '502' },
      {
        type: 'permanent', id: permanent, at: T0 + 11, attempts: 1, destinationId: people.destinationIds[3]!, platform: 'testchat',
        recipientKey: `testchat:${people.chatIds[3]}`, reason: 'blocked', error: 'Forbidden', errorCode: '403',
      },
    ]);
    expect(store.recoverInFlight(T0 + 12)).toEqual([]);
    expect(store.listDead({ limit: 10 }).map((d) => d.id)).toEqual(expect.arrayContaining([dead, permanent]));
    expect(store.listDead({ limit: 10, platform: 'telegram' })).toEqual([]);
    expect(store.retryDead([dead], T0 + 13).retried).toBe(1);
    expect(store.retryDead('all', T0 + 14).retried).toBe(2);

    const list = executed.filter((e) => /select .*from "deliveries" inner join "destinations"/i.test(e.source));
    expect(list).toHaveLength(2);
    for (const e of list) {
      const plan = explain(e);
      expect(plan).toMatch(/SEARCH deliveries USING INDEX deliveries_due_idx \(state=\?\)/);
      expect(plan).toMatch(/SEARCH destinations USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      expect(plan).toMatch(SIGNAL_BY_REF);
    }
    const recover = executed.filter((e) => e.source.includes("WHERE d.state = 'sending'"));
    expect(recover).toHaveLength(1);
    expect(explain(recover[0]!)).toMatch(/SEARCH d USING INDEX deliveries_due_idx \(state=\?\)[\s\S]*SEARCH s USING INTEGER PRIMARY KEY/);
    expect(executed.length).toBeGreaterThan(10);
    for (const e of executed) expect(explain(e), e.source).not.toMatch(WALKS_DELIVERIES);
  });

  it('counts every account\'s day toward its cap from one range of the covering cap index alone', () => {
    const { explain } = recordStatements(db.$client);
    const usage: Executed = { source: USAGE_SQL, args: ['2026-01-15', 0] };
    expect(explain(usage)).toMatch(/SEARCH deliveries USING COVERING INDEX deliveries_cap_usage_idx \(cap_day=\?\)/);
    const counts = new Map(db.$client.prepare(USAGE_SQL).raw().all('2026-01-15', 0) as [string, number][]);
    expect(counts.get(people.accountIds[0] as string)).toBe(1);
    expect(counts.has(people.accountIds[1] as string)).toBe(false);
  });

  it('finds a signal\'s rows, and the alert a rationale replies to, through the content index', () => {
    const { executed, explain } = recordStatements(db.$client);
    const counts: Executed = { source: PLANNED_COUNTS_SQL, args: [signalId] };
    expect(explain(counts)).toMatch(/SEARCH deliveries USING INDEX deliveries_content_destination_kind_idx \(content_ref=\?\)/);
    expect(explain(counts)).toMatch(/SEARCH signals USING COVERING INDEX signals_id_unique \(id=\?\)/);
    expect(db.$client.prepare(PLANNED_COUNTS_SQL).raw().get(signalId)).toEqual([5, 0]);

    const store = new SqliteDeliveryStore({ db, clock: new FakeClock(T0) });
    const [alert] = store.findDue({ now: T0, platforms: ['testchat'], limit: 1 });
    store.claim([alert!.id], T0);
    store.recordResults([{ type: 'sent', id: alert!.id, at: T0, platformMessageId: 'm-9' }]);
    const message = new SqliteContentResolver({ db }).resolve({ ...alert!, kind: 'rationale' }, T0);
    expect(message).toMatchObject({ kind: 'rationale', replyToMessageId: 'm-9' });
    const reply = executed.filter((e) => e.source.includes('platform_message_id AS platformMessageId'));
    expect(reply).toHaveLength(1);
    expect(explain(reply[0]!)).toMatch(/SEARCH deliveries USING INDEX deliveries_content_destination_kind_idx \(content_ref=\? AND destination_ref=\? AND kind=\?\)/);
    const rationale = executed.filter((e) => e.source.includes('SELECT rationale_text AS text'));
    expect(rationale).toHaveLength(1);
    expect(explain(rationale[0]!)).toMatch(/SEARCH signals USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    for (const e of executed) expect(explain(e), e.source).not.toMatch(WALKS_DELIVERIES);
  });
});
