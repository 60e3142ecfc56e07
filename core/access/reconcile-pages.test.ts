// A full reconcile over more accounts than one page: every page planned and acted on, strangers after them, the report the same as one page's.
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteAuditLog } from '../../db/stores/audit-store';
import { DAY, startMemoryAccessWorld, type MemoryAccessWorld } from './memory-access.fixtures';
import type { StrangerHandling } from './ports';
import { AccessReconciler, type ReconcileReport } from './reconciler';
import type { AccessStore } from './store';
import { MemoryAccessGate, recordingNoticeSink } from './testing/memory-gate';

/** Who is who in the world below: ten accounts and three strangers. */
const ENTITLED_MISSING = ['u01', 'u02', 'u03', 'u04'];
const LAPSED_MEMBERS = ['u05', 'u06', 'u07'];
const ENTITLED_MEMBERS = ['u08', 'u09'];
/** Tracked as a member, but the role was taken away by hand: drift makes it 'left', and the plan grants it again. */
const TAKEN_BY_HAND = 'u09';
const ENTITLED_BY_HAND = 'u10';
const STRANGER_MEMBER = 's1';
const STRANGER_BY_HAND = 's2';

describe('a full access reconcile in pages (memory gate that lists holders, real SQLite, 3 accounts a page)', () => {
  let w: MemoryAccessWorld;
  afterEach(() => w?.close());

  /** Ten accounts in four pages of three, and two strangers: one tracked as a member, one given the role by hand and never tracked. */
  async function world(strangers: StrangerHandling = 'remove') {
    w = startMemoryAccessWorld();
    const gate = new MemoryAccessGate({ platform: 'discord', notices: recordingNoticeSink(), listsHolders: true, strangers });
    const account = async (userId: string, status: string) => {
      const a = await w.accounts.createAccount({ displayName: userId });
      await w.accounts.addIdentity(a.id, 'discord', userId);
      await w.accounts.upsertSubscription({ accountId: a.id, planId: 'vip', status, currentPeriodEnd: w.clock.now() + 30 * DAY });
      return a.id;
    };
    const member = async (userId: string) => {
      gate.setHolding(w.resource, userId, true);
      await w.store.setMembership({ platform: 'discord', resourceKey: w.resourceKey, platformUserId: userId, state: 'member' });
    };
    const ids = new Map<string, string>();
    for (const u of ENTITLED_MISSING) ids.set(u, await account(u, 'active'));
    for (const u of LAPSED_MEMBERS) {
      ids.set(u, await account(u, 'canceled'));
      await member(u);
    }
    for (const u of ENTITLED_MEMBERS) {
      ids.set(u, await account(u, 'active'));
      await member(u);
    }
    gate.setHolding(w.resource, TAKEN_BY_HAND, false);
    ids.set(ENTITLED_BY_HAND, await account(ENTITLED_BY_HAND, 'active'));
    gate.setHolding(w.resource, ENTITLED_BY_HAND, true);
    await member(STRANGER_MEMBER);
    gate.setHolding(w.resource, STRANGER_BY_HAND, true);

    const reads: number[] = [];
    const store = new Proxy(w.store, {
      get(target, key, receiver) {
        if (key !== 'listAccessAccounts') return Reflect.get(target, key, receiver) as unknown;
        return async (filter: Parameters<AccessStore['listAccessAccounts']>[0]) => {
          const page = await target.listAccessAccounts(filter);
          reads.push(page.length);
          return page;
        };
      },
    });
    const reconciler = (pageSize: number) => new AccessReconciler({ store, gates: [gate], plans: w.plans, clock: w.clock, audit: new SqliteAuditLog({ db: w.db, clock: w.clock }), pageSize });
    return { gate, ids, reads, reconciler };
  }

  const summary = (report: ReconcileReport) => ({
    actions: report.actions.map((a) => [a.kind, a.person.platformUserId, a.reason, a.outcome?.result ?? null]).sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
    drift: report.drift.map((d) => [d.platformUserId, d.from, d.to]).sort(),
    unmanaged: report.unmanaged.map((u) => [u.person.platformUserId, u.reason]),
    waiting: report.waiting.length,
    failed: report.failed,
  });

  it('grants every entitled account (again where it was taken by hand), revokes every lapsed member and both strangers, and adopts the one given it by hand, across four pages', async () => {
    const { gate, ids, reads, reconciler } = await world();
    const report = await reconciler(3).reconcile();

    expect(reads).toEqual([3, 3, 3, 1]);
    expect(summary(report)).toEqual({
      actions: [
        ...[...ENTITLED_MISSING, TAKEN_BY_HAND].map((u) => ['grant', u, 'entitled (active, plan vip)', 'granted']),
        ['revoke', STRANGER_MEMBER, 'no account', 'revoked'],
        ['revoke', STRANGER_BY_HAND, 'no account; given by hand', 'revoked'],
        ...LAPSED_MEMBERS.map((u) => ['revoke', u, 'not entitled (canceled, plan free)', 'revoked']),
      ].sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
      drift: [[STRANGER_BY_HAND, null, 'held'], [TAKEN_BY_HAND, 'member', 'left'], [ENTITLED_BY_HAND, null, 'held']],
      unmanaged: [],
      waiting: 0,
      failed: 0,
    });
    expect(report.aborted).toBe(false);
    expect(gate.holdersOf(w.resource)).toEqual([...ENTITLED_MISSING, ...ENTITLED_MEMBERS, ENTITLED_BY_HAND].sort());
    const state = async (u: string) => (await w.store.getMembership('discord', w.resourceKey, u))?.state;
    expect(await Promise.all([...ENTITLED_MISSING, ...ENTITLED_MEMBERS, ENTITLED_BY_HAND].map(state))).toEqual(Array(7).fill('member'));
    expect(await Promise.all([...LAPSED_MEMBERS, STRANGER_MEMBER, STRANGER_BY_HAND].map(state))).toEqual(Array(5).fill('removed'));
    expect(w.accessAudit().filter(([a]) => a === 'access.granted').map(([, subject]) => subject).sort()).toEqual([...ENTITLED_MISSING, TAKEN_BY_HAND].map((u) => ids.get(u)).sort());

    // Repaired: the next run, in pages again, has nothing to do.
    expect(summary(await reconciler(3).reconcile())).toEqual({ actions: [], drift: [], unmanaged: [], waiting: 0, failed: 0 });
  });

  it('reports the same on a dry run in pages of 3 as in one page of 1,000, and changes nothing', async () => {
    const { gate, reconciler } = await world();
    const calls = gate.calls.length;
    const rows = await w.store.listMemberships();

    const paged = await reconciler(3).reconcile({ dryRun: true });
    const whole = await reconciler(1_000).reconcile({ dryRun: true });
    expect(summary(paged)).toEqual(summary(whole));
    expect(summary(paged).actions).toHaveLength(10);
    expect(summary(paged).drift).toHaveLength(3);
    expect(summary(paged).actions.find((a) => a[1] === STRANGER_BY_HAND)).toEqual(['revoke', STRANGER_BY_HAND, 'no account; given by hand', null]);
    expect(gate.calls).toHaveLength(calls);
    expect(await w.store.listMemberships()).toEqual(rows);
  });

  it('only reports strangers given it by hand where the gate says so, and still adopts an entitled holder', async () => {
    const { gate, reconciler } = await world('report');
    const report = await reconciler(3).reconcile();
    expect(summary(report).unmanaged).toEqual([[STRANGER_BY_HAND, 'no account']]);
    expect(gate.holds(w.resource, STRANGER_BY_HAND)).toBe(true);
    expect(await w.store.getMembership('discord', w.resourceKey, ENTITLED_BY_HAND)).toMatchObject({ state: 'member' });
  });

  it('gives the event loop a turn between pages', async () => {
    const { reads, reconciler } = await world();
    const turns: number[] = [];
    // The memory gate answers without any I/O: without a yield between pages the whole run would finish before this fires.
    setImmediate(() => turns.push(reads.length));
    await reconciler(3).reconcile({ dryRun: true });
    expect(turns).toHaveLength(1);
    expect(turns[0]).toBeLessThan(reads.length);
  });

  it('starts no page after the run is aborted', async () => {
    const { reads, reconciler } = await world();
    const abort = new AbortController();
    setImmediate(() => abort.abort());
    const report = await reconciler(3).reconcile({ signal: abort.signal });
    expect(report.aborted).toBe(true);
    expect(reads.length).toBeLessThan(4);
  });
});
