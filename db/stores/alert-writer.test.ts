import { describe, expect, it } from 'vitest';
import type { EntitledRecipient } from '../../core/planning/types';
import { openMemoryDatabase } from '../client';
import { seedSubscribers } from '../testing/seed';
import { AlertWriter } from './alert-writer';

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
