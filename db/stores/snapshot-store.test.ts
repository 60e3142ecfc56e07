import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Destination } from '../../core/accounts/types';
import { FakeClock } from '../../core/clock';
import { DELIVERY_PRIORITY } from '../../core/planning/types';
import { parsePlans, type PlansConfig } from '../../core/plans';
import type { NewSnapshot, StoredSnapshot } from '../../core/snapshot/ports';
import type { SnapshotFigures } from '../../core/snapshot/types';
import { openDatabase, type Db } from '../client';
import { SqliteAccountStore } from './account-store';
import { SqliteCandidateSource } from './candidate-source';
import { SqliteSnapshotStore } from './snapshot-store';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 6, 17, 0, 0);

const PLANS: PlansConfig = parsePlans(JSON.stringify({
  plans: [
    { id: 'free', name: 'Free', level: 0, stripePriceId: null, priceCents: 0, delayMinutes: 15 },
    { id: 'desk', name: 'Desk', level: 2, stripePriceId: 'price_desk', priceCents: 50_000, snapshot: true, directMessages: true },
    { id: 'basic', name: 'Basic', level: 1, stripePriceId: 'price_basic', priceCents: 1_000, directMessages: true },
  ],
}), 'plans.json');

const newSnapshot = (day: string, text = 'Signals today: 1'): NewSnapshot => ({
  day, title: `Daily snapshot — ${day}`, text, chart: { png: new Uint8Array([1, 2, 3]), width: 1200, height: 675, alt: 'a chart' }, figures: { day } as SnapshotFigures,
});

let dir: string;
let file: string;
let db: Db;
let clock: FakeClock;
let accounts: SqliteAccountStore;
let d: Record<string, Destination>;
const open: Db[] = [];

function openDb(): Db {
  const opened = openDatabase(`file:${file}`);
  open.push(opened);
  return opened;
}

function storeOn(on: Db, options: { chunkSize?: number; onChunk?: (written: number) => void } = {}): SqliteSnapshotStore {
  return new SqliteSnapshotStore({ db: on, candidates: new SqliteCandidateSource(on.$client, { now: () => clock.now() }), plans: PLANS, ...options });
}

async function subscribed(planId: string, settings: Record<string, unknown> = {}): Promise<string> {
  const account = await accounts.createAccount({ displayName: planId });
  await accounts.upsertSubscription({ accountId: account.id, stripeSubscriptionId: `sub_${account.id}`, planId, status: 'active', currentPeriodEnd: NOW + 30 * DAY });
  if (Object.keys(settings).length > 0) await accounts.updateSettings(account.id, settings);
  return account.id;
}

async function direct(platform: string, userId: string, accountId: string, contentKinds: Destination['contentKinds'] = ['alert', 'snapshot']): Promise<Destination> {
  const identity = await accounts.addIdentity(accountId, platform, userId);
  return accounts.addDestination({ kind: 'direct', recipient: { platform, chatId: userId, direct: true }, accountId, identityId: identity.id, contentKinds });
}

/** Each destination's snapshot rows: [destination id, count]. */
function rowsPerDestination(on: Db, snapshotRef: number): Map<string, number> {
  const rows = on.$client.prepare(`SELECT dest.id, COUNT(*) FROM deliveries d JOIN destinations dest ON dest.ref = d.destination_ref
    WHERE d.kind = 'snapshot' AND d.content_ref = ? GROUP BY dest.id`).raw(true).all(snapshotRef) as [string, number][];
  return new Map(rows);
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'snapshot-store-'));
  file = join(dir, 'signalcast.db');
  clock = new FakeClock(NOW);
  db = openDb();
  accounts = new SqliteAccountStore({ db, clock });
  const desk = await subscribed('desk');
  const quiet = await subscribed('desk', { quietStart: '16:00', quietEnd: '20:00', timeZone: 'UTC' });
  const basic = await subscribed('basic');
  const off = await subscribed('desk', { directMessages: false });
  d = {
    deskRoom: await accounts.addDestination({ kind: 'channel', recipient: { platform: 'telegram', chatId: '-100' }, planId: 'desk', contentKinds: ['alert', 'snapshot'], isGroup: true }),
    deskRoomNoSnapshots: await accounts.addDestination({ kind: 'channel', recipient: { platform: 'telegram', chatId: '-101' }, planId: 'desk', contentKinds: ['alert'], isGroup: true }),
    freeRoom: await accounts.addDestination({ kind: 'channel', recipient: { platform: 'discord', chatId: '900' }, contentKinds: ['alert', 'snapshot'] }),
    ownedChannel: await accounts.addDestination({ kind: 'channel', recipient: { platform: 'slack', tenant: 'T1', chatId: 'C1' }, accountId: desk, contentKinds: ['alert', 'snapshot'], isGroup: true }),
    deskDm: await direct('telegram', '42', desk),
    quietDm: await direct('discord', '43', quiet),
    basicDm: await direct('telegram', '44', basic),
    offDm: await direct('telegram', '45', off),
  };
});

afterEach(() => {
  for (const o of open.splice(0)) o.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SqliteSnapshotStore.create', () => {
  it('keeps one snapshot per day: a second call returns the first, whatever changed since', async () => {
    const store = storeOn(db);
    const first = store.create(newSnapshot('2026-12-06'), NOW);
    const second = storeOn(openDb()).create(newSnapshot('2026-12-06', 'something else'), NOW + 1000);
    expect(first.created).toBe(true);
    expect(second).toEqual({ snapshot: first.snapshot, created: false });
    expect(second.snapshot.text).toBe('Signals today: 1');
    expect(second.snapshot.chart).toEqual({ png: new Uint8Array([1, 2, 3]), width: 1200, height: 675, alt: 'a chart' });
    expect(store.create(newSnapshot('2026-12-07'), NOW).snapshot.ref).not.toBe(first.snapshot.ref);
  });
});

describe('SqliteSnapshotStore.plan', () => {
  let snapshot: StoredSnapshot;
  beforeEach(() => {
    snapshot = storeOn(db).create(newSnapshot('2026-12-06'), NOW).snapshot;
  });

  it('plans only destinations taking snapshots whose plan has snapshot: true, at the snapshot priority', async () => {
    const counts = await storeOn(db).plan(snapshot, NOW);
    expect(counts).toEqual({
      planned: 4, alreadyPlanned: 0, notTaking: 1,
      excluded: { plan_no_snapshot: 2, direct_messages_off: 1 },
    });
    expect([...rowsPerDestination(db, snapshot.ref).keys()].sort()).toEqual([d.deskRoom, d.ownedChannel, d.deskDm, d.quietDm].map((x) => x!.id).sort());
    const rows = db.$client.prepare(`SELECT content_type, priority, state FROM deliveries WHERE kind = 'snapshot'`).all();
    expect(new Set(rows.map((r) => JSON.stringify(r)))).toEqual(new Set([JSON.stringify({ content_type: 'snapshot', priority: DELIVERY_PRIORITY.snapshot, state: 'pending' })]));
  });

  it('is due now, or at the end of a direct destination account\'s quiet hours', async () => {
    await storeOn(db).plan(snapshot, NOW);
    const due = new Map(db.$client.prepare(`SELECT dest.id, d.due_at FROM deliveries d JOIN destinations dest ON dest.ref = d.destination_ref WHERE d.kind = 'snapshot'`)
      .raw(true).all() as [string, number][]);
    expect(due.get(d.deskDm!.id)).toBe(NOW);
    expect(due.get(d.deskRoom!.id)).toBe(NOW);
    // 17:00 UTC is inside 16:00–20:00 UTC.
    expect(due.get(d.quietDm!.id)).toBe(Date.UTC(2026, 11, 6, 20, 0, 0));
  });

  it('plans once per destination across a double run, and says how many were already planned', async () => {
    const store = storeOn(db);
    expect((await store.plan(snapshot, NOW)).planned).toBe(4);
    expect(await store.plan(snapshot, NOW + 60_000)).toMatchObject({ planned: 0, alreadyPlanned: 4 });
    expect([...rowsPerDestination(db, snapshot.ref).values()]).toEqual([1, 1, 1, 1]);
  });

  it('plans once per destination with two store instances on one database file', async () => {
    const other = openDb();
    const a = await storeOn(db).plan(snapshot, NOW);
    const b = await storeOn(other).plan(storeOn(other).find('2026-12-06')!, NOW);
    expect(a.planned + b.planned).toBe(4);
    expect(b.alreadyPlanned).toBe(4);
    expect([...rowsPerDestination(other, snapshot.ref).values()]).toEqual([1, 1, 1, 1]);
  });

  it('after a crash mid-way, a fresh store on the same file plans the rest and nothing twice', async () => {
    const crashing = storeOn(db, {
      chunkSize: 2,
      onChunk: () => {
        throw new Error('process killed');
      },
    });
    await expect(crashing.plan(snapshot, NOW)).rejects.toThrow('process killed');
    // The first chunk committed before the "crash".
    expect(rowsPerDestination(db, snapshot.ref).size).toBe(2);
    db.$client.close();
    open.splice(open.indexOf(db), 1);

    const restarted = openDb();
    const again = storeOn(restarted);
    const counts = await again.plan(again.find('2026-12-06')!, NOW + 5_000);
    expect(counts).toMatchObject({ planned: 2, alreadyPlanned: 2 });
    expect([...rowsPerDestination(restarted, snapshot.ref).values()]).toEqual([1, 1, 1, 1]);
  });

  it('gives the event loop back between chunks, each chunk committed on its own', async () => {
    const planning = storeOn(db, { chunkSize: 1 }).plan(snapshot, NOW);
    // Runs while the plan waits between its chunks: some rows are committed, not all.
    const seenBetween = await new Promise<number>((resolve) => setImmediate(() => resolve(rowsPerDestination(db, snapshot.ref).size)));
    expect(seenBetween).toBeGreaterThan(0);
    expect(seenBetween).toBeLessThan(4);
    expect((await planning).planned).toBe(4);
  });

  it('plans a new day\'s snapshot to the same destinations again', async () => {
    const store = storeOn(db);
    await store.plan(snapshot, NOW);
    const next = store.create(newSnapshot('2026-12-07'), NOW + DAY).snapshot;
    expect((await store.plan(next, NOW + DAY)).planned).toBe(4);
  });
});
