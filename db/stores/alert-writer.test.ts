import { describe, expect, it } from 'vitest';
import type { Candidate, EntitledRecipient, PlanningAccount } from '../../core/planning/types';
import { openMemoryDatabase } from '../client';
import { seedChannel, seedSubscribers } from '../testing/seed';
import { AlertWriter } from './alert-writer';
import { MORNING, NIGHT, NIGHT_DAY, quietAccount, quietWorld } from './digest.fixtures';

const NOW = Date.UTC(2026, 10, 22, 9, 0);
const DAY = '2026-11-22';

type Fields = Pick<EntitledRecipient, 'accountId' | 'planId' | 'priority' | 'dueAt' | 'state' | 'skipReason'>;

describe('AlertWriter', () => {
  it('writes every recipient once with its own fields, whatever groups and chunks they fall into', () => {
    const db = openMemoryDatabase();
    const seeded = seedSubscribers(db, { count: 400 });
    const refOf = new Map(db.$client.prepare('SELECT id, ref FROM destinations').raw().all() as [string, number][]);
    // Interleaved: 250 paid real-time (three chunks), 120 free rows counted toward the cap, 20 over the cap, 10 deferred by quiet hours.
    const fieldsOf = (i: number, accountId: string): Fields => {
      if (i % 40 === 7) return { accountId, planId: 'free', priority: 10, dueAt: NOW + 900_000 + i * 60_000, state: 'pending', skipReason: null };
      if (i % 20 === 3) return { accountId, planId: 'free', priority: 10, dueAt: NOW + 900_000, state: 'skipped', skipReason: 'daily_cap' };
      if (i % 10 < 3) return { accountId, planId: 'free', priority: 10, dueAt: NOW + 900_000, state: 'pending', skipReason: null };
      return { accountId, planId: 'pro', priority: 0, dueAt: NOW, state: 'pending', skipReason: null };
    };
    const recipients = seeded.destinationIds.map((destinationId, i) => ({
      destinationId, platform: 'testchat', recipientKey: `k${i}`, paid: false, deferred: false, ...fieldsOf(i, seeded.accountIds[i] as string),
    }) as unknown as EntitledRecipient);

    new AlertWriter(db.$client).write({
      signalRef: 7, recipients, now: NOW, utcDay: DAY,
      refOf: (id) => refOf.get(id) as number,
      capped: (planId) => planId === 'free',
    });

    const rows = db.$client.prepare(`SELECT destination_ref, cap_account_id, priority, due_at, cap_day, state, skip_reason, content_ref, kind, created_at
      FROM deliveries ORDER BY destination_ref`).raw().all();
    const expected = recipients.map((r) => {
      const counted = r.planId === 'free' && r.state === 'pending';
      return [refOf.get(r.destinationId), counted ? r.accountId : null, r.priority, r.dueAt, counted ? DAY : null, r.state, r.skipReason, 7, 'alert', NOW];
    }).sort((a, b) => (a[0] as number) - (b[0] as number));
    expect(rows).toEqual(expected);
    const byState = db.$client.prepare('SELECT state, COUNT(*), COUNT(cap_day) FROM deliveries GROUP BY state ORDER BY state').raw().all();
    expect(byState).toEqual([['pending', 380, 130], ['skipped', 20, 0]]);
  });
});

describe('AlertWriter and the quiet-hours digest', () => {
  function world(count: number) {
    const w = quietWorld(count);
    const rows = (where = '1 = 1') => w.db.$client.prepare(`SELECT content_type, content_ref, kind, destination_ref, state, due_at, priority, expires_at, cap_day, protect_content
      FROM deliveries WHERE ${where} ORDER BY kind DESC, content_ref, destination_ref`).all() as Record<string, unknown>[];
    return { ...w, rows };
  }

  it('holds the alerts of direct destinations in quiet hours and writes their window\'s digest row once per destination', () => {
    const w = world(3);
    const check = w.publish(1, w.candidates);
    expect(check.recipients.every((r) => r.deferred && r.dueAt === MORNING)).toBe(true);

    const refs = w.seeded.destinationIds.map((id) => w.refOf.get(id));
    expect(w.rows("kind = 'digest'")).toEqual(refs.map((ref) => ({
      content_type: 'digest', content_ref: Math.floor(MORNING / 60_000), kind: 'digest', destination_ref: ref, state: 'pending', due_at: MORNING, priority: 0,
      expires_at: null, cap_day: null, protect_content: 1,
    })));
    expect(w.rows("kind = 'alert'")).toEqual(refs.map((ref) => ({
      content_type: 'signal', content_ref: 1, kind: 'alert', destination_ref: ref, state: 'held', due_at: MORNING, priority: 0,
      expires_at: null, cap_day: null, protect_content: 1,
    })));
  });

  it('adds a later signal\'s alerts of the same window to the held ones, with no second digest', () => {
    const w = world(3);
    w.publish(1, w.candidates);
    w.publish(2, w.candidates, NIGHT + 3_600_000);
    w.publish(3, w.candidates.slice(0, 1), NIGHT + 7_200_000);

    expect(w.db.$client.prepare("SELECT count(*) FROM deliveries WHERE kind = 'digest'").pluck().get()).toBe(3);
    expect(w.db.$client.prepare("SELECT state, count(*) AS n FROM deliveries WHERE kind = 'alert' GROUP BY state").all()).toEqual([{ state: 'held', n: 7 }]);
  });

  it('writes a deferred alert pending, as without a digest, once its window\'s digest was claimed; the others are still held', () => {
    const w = world(3);
    w.publish(1, w.candidates);
    const [first, second] = w.seeded.destinationIds.map((id) => w.refOf.get(id) as number);
    w.db.$client.prepare("UPDATE deliveries SET state = 'sending' WHERE kind = 'digest' AND destination_ref = ?").run(first);
    w.db.$client.prepare("UPDATE deliveries SET state = 'sent', platform_message_id = 'm1' WHERE kind = 'digest' AND destination_ref = ?").run(second);

    w.publish(2, w.candidates, NIGHT + 60_000);

    const alerts = w.rows("kind = 'alert' AND content_ref = 2").map((r) => [r.destination_ref, r.state, r.due_at]);
    expect(alerts).toEqual([[first, 'pending', MORNING], [second, 'pending', MORNING], [w.refOf.get(w.seeded.destinationIds[2] as string), 'held', MORNING]]);
    expect(w.db.$client.prepare("SELECT count(*) FROM deliveries WHERE kind = 'digest'").pluck().get()).toBe(3);
  });

  it('never holds a channel\'s alert: a channel its quiet account owns gets it now, its direct messages wait for the digest', () => {
    const w = world(1);
    const owned = seedChannel(w.db, { accountId: w.seeded.accountIds[0] as string, now: NIGHT });
    w.refOf.set(owned.destinationId, w.db.$client.prepare('SELECT ref FROM destinations WHERE id = ?').pluck().get(owned.destinationId) as number);
    const channel: Candidate = { kind: 'channel', destinationId: owned.destinationId, platform: 'testchat', recipientKey: owned.recipientKey, planId: null, owner: w.accounts[0] as PlanningAccount };

    w.publish(1, [channel, ...w.candidates]);

    const byDestination = w.rows().map((r) => [r.kind, r.destination_ref, r.state, r.due_at]);
    expect(byDestination).toEqual([
      ['digest', w.refOf.get(w.seeded.destinationIds[0] as string), 'pending', MORNING],
      ['alert', w.refOf.get(w.seeded.destinationIds[0] as string), 'held', MORNING],
      ['alert', w.refOf.get(owned.destinationId), 'pending', NIGHT],
    ]);
  });

  it('counts a held alert of a capped plan toward the daily cap; its digest row never counts', () => {
    const w = world(2);
    const free = w.candidates.map((c) => ({ ...c, account: quietAccount((c as { account: PlanningAccount }).account.id, 'free') })) as Candidate[];
    w.publish(1, free);
    expect(w.db.$client.prepare('SELECT kind, state, cap_day, cap_account_id IS NOT NULL AS capped FROM deliveries ORDER BY kind').all()).toEqual([
      { kind: 'alert', state: 'held', cap_day: NIGHT_DAY, capped: 1 }, { kind: 'alert', state: 'held', cap_day: NIGHT_DAY, capped: 1 },
      { kind: 'digest', state: 'pending', cap_day: null, capped: 0 }, { kind: 'digest', state: 'pending', cap_day: null, capped: 0 },
    ]);
  });
});
