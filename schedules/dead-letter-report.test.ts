// The dead-letter report on real SQLite with a fake clock: once a day to every platform's operators, with the counts, and nothing on a clean day.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../core/clock';
import { recordingLogger } from '../core/testing/logger';
import { openMemoryDatabase, type Db } from '../db/client';
import { SqliteNoticeOutbox } from '../db/stores/notice-outbox';
import { SqliteOnceKeys } from '../db/stores/once-keys';
import { seedChannel } from '../db/testing/seed';
import { deadLetterReportJob } from './dead-letter-report';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function world() {
  const db = openMemoryDatabase();
  // 08:30 in London on a December day (GMT, UTC+0).
  const clock = new FakeClock(Date.UTC(2026, 11, 6, 8, 30));
  const logger = recordingLogger();
  const job = deadLetterReportJob({
    db, clock, logger, timeZone: 'Europe/London', onceKeys: new SqliteOnceKeys({ db }), outbox: new SqliteNoticeOutbox({ db }),
    operatorIds: { telegram: ['9001'], discord: ['8001'] },
  }, { hour: 8, minute: 30 });
  const tg = seedChannel(db, { recipient: { platform: 'telegram', chatId: '-1001' }, label: 'VIP room' });
  const dc = seedChannel(db, { recipient: { platform: 'discord', chatId: '55' } });
  return { db, clock, logger, job, tg, dc };
}

let ref = 0;
function delivery(db: Db, recipientKey: string, state: string, updatedAt: number, code: string | null = null): void {
  const dest = db.$client.prepare('SELECT ref FROM destinations WHERE recipient_key = ?').get(recipientKey) as { ref: number };
  db.$client.prepare(`INSERT INTO deliveries (content_type, content_ref, kind, destination_ref, priority, due_at, state, last_error_code, created_at, updated_at)
    VALUES ('signal', ?, 'alert', ?, 0, ?, ?, ?, ?, ?)`).run(++ref, dest.ref, updatedAt, state, code, updatedAt, updatedAt);
}

/** The operators' notices: where each went and its text. */
function operatorNotices(db: Db) {
  return db.$client.prepare(`SELECT t.recipient_key AS recipient, n.text AS text, d.state AS state FROM deliveries d
    JOIN notices n ON n.ref = d.content_ref JOIN destinations t ON t.ref = d.destination_ref
    WHERE d.content_type = 'notice' AND n.topic = 'operator' ORDER BY t.recipient_key`).all() as { recipient: string; text: string; state: string }[];
}

describe('the dead-letter report', () => {
  it('tells each platform\'s operators once a day how many died, by platform and error code, where, and how to look', async () => {
    const { db, clock, job, tg, dc } = world();
    const now = clock.now();
    for (let i = 0; i < 3; i++) delivery(db, tg.recipientKey, 'dead', now - 2 * HOUR, 'delivery_permanent');
    delivery(db, tg.recipientKey, 'dead', now - 3 * HOUR, 'delivery_temporary');
    delivery(db, dc.recipientKey, 'dead', now - 20 * HOUR, 'delivery_permanent');
    delivery(db, dc.recipientKey, 'dead', now - 30 * HOUR, 'delivery_permanent'); // before the last 24 hours
    delivery(db, dc.recipientKey, 'sent', now - HOUR);

    await expect(job.run()).resolves.toMatchObject({ day: '2026-12-06', died: 5, told: 2, alreadyReported: false });
    const told = operatorNotices(db);
    expect(told.map((n) => [n.recipient, n.state])).toEqual([['discord:8001', 'pending'], ['telegram:9001', 'pending']]);
    const text = told[0]!.text;
    expect(text).toContain('5 deliveries died since 5 Dec 2026, 08:30 (Europe/London)');
    expect(text).toContain('telegram delivery_permanent 3; discord delivery_permanent 1; telegram delivery_temporary 1');
    expect(text).toContain('telegram VIP room (4)');
    expect(text).toContain('discord discord:55 (1)');
    expect(text).toContain('signalcast deliveries dead');
    expect(text).toContain('signalcast deliveries retry');
    expect(told[1]!.text).toBe(text);

    // The same day again (a second tick, another process, a restart): nobody is told twice.
    clock.advance(HOUR);
    delivery(db, tg.recipientKey, 'dead', clock.now() - 1, 'delivery_permanent');
    await expect(job.run()).resolves.toMatchObject({ alreadyReported: true, told: 0 });
    expect(operatorNotices(db)).toHaveLength(2);
  });

  it('sends nothing on a clean day, and the next report covers everything since the last one', async () => {
    const { db, clock, job, tg } = world();
    delivery(db, tg.recipientKey, 'dead', clock.now() - HOUR, 'delivery_permanent');
    await expect(job.run()).resolves.toMatchObject({ died: 1, told: 2 });

    clock.advance(DAY);
    delivery(db, tg.recipientKey, 'sent', clock.now() - HOUR);
    await expect(job.run()).resolves.toMatchObject({ day: '2026-12-07', died: 0, told: 0, alreadyReported: false });
    expect(operatorNotices(db)).toHaveLength(2);

    clock.advance(DAY);
    // Died on the clean day (after it was checked) and today: both since the report of the 6th.
    delivery(db, tg.recipientKey, 'dead', clock.now() - 20 * HOUR, 'delivery_permanent');
    delivery(db, tg.recipientKey, 'dead', clock.now() - 30 * HOUR, 'delivery_permanent');
    await expect(job.run()).resolves.toMatchObject({ day: '2026-12-08', died: 2, told: 2 });
    expect(operatorNotices(db).at(-1)!.text).toContain('2 deliveries died since 6 Dec 2026, 08:30');
  });

  it('logs the report when no operator is set, and still reports the day once', async () => {
    const db = openMemoryDatabase();
    const clock = new FakeClock(Date.UTC(2026, 11, 6, 8, 30));
    const logger = recordingLogger();
    const tg = seedChannel(db, { recipient: { platform: 'telegram', chatId: '-1001' } });
    delivery(db, tg.recipientKey, 'dead', clock.now() - HOUR, 'delivery_permanent');
    const job = deadLetterReportJob({ db, clock, logger, timeZone: 'UTC', onceKeys: new SqliteOnceKeys({ db }), outbox: new SqliteNoticeOutbox({ db }), operatorIds: {} }, { hour: 8, minute: 30 });
    await expect(job.run()).resolves.toMatchObject({ died: 1, told: 0 });
    expect(logger.records.find((r) => r.level === 'warn')?.msg).toContain('1 delivery died since');
    await expect(job.run()).resolves.toMatchObject({ alreadyReported: true });
    expect(job.schedule).toBe('30 8 * * *');
  });
});
