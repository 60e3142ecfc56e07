// Trial reminders on real SQLite with a fake clock: once per subscription per threshold (3 days, 1 day), to each of the account's identities, none for trials far off or over.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../core/clock';
import { DEFAULT_PLANS } from '../core/plans';
import { recordingLogger } from '../core/testing/logger';
import { openMemoryDatabase, type Db } from '../db/client';
import { SqliteNoticeOutbox } from '../db/stores/notice-outbox';
import { SqliteOnceKeys } from '../db/stores/once-keys';
import { seedSubscribers } from '../db/testing/seed';
import { trialReminderText, trialRemindersJob } from './trial-reminders';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function world() {
  const db = openMemoryDatabase();
  const clock = new FakeClock(Date.UTC(2026, 11, 6, 12, 41));
  let pokes = 0;
  const job = trialRemindersJob({
    db, clock, logger: recordingLogger(), plans: DEFAULT_PLANS, timeZone: 'America/New_York', poke: () => void (pokes += 1),
    onceKeys: new SqliteOnceKeys({ db }), outbox: new SqliteNoticeOutbox({ db }),
  });
  const trial = (trialEnd: number, more: { status?: string; cancelAtPeriodEnd?: boolean } = {}) => seedSubscribers(db, {
    count: 1, planId: 'pro', platform: 'telegram', status: more.status ?? 'trialing', now: clock.now(),
    subscription: { trialEnd, cancelAtPeriodEnd: more.cancelAtPeriodEnd ?? false },
  }).chatIds[0]!;
  return { db, clock, job, trial, pokes: () => pokes };
}

/** The trial reminders queued, by recipient chat id, oldest first. */
function reminders(db: Db): { chatId: string; text: string }[] {
  return (db.$client.prepare(`SELECT t.address AS address, n.text AS text FROM deliveries d JOIN notices n ON n.ref = d.content_ref
    JOIN destinations t ON t.ref = d.destination_ref WHERE d.content_type = 'notice' AND n.topic = 'trial_ending' AND d.state = 'pending' ORDER BY d.id`)
    .all() as { address: string; text: string }[]).map((r) => ({ chatId: (JSON.parse(r.address) as { chatId: string }).chatId, text: r.text }));
}

describe('trial reminders', () => {
  it('reminds a trial 3 days before it ends and again 1 day before, each once, with the plan and the end date in the operator\'s time zone', async () => {
    const { db, clock, job, trial, pokes } = world();
    // Ends 2.5 days from now: 9 Dec 2026 00:41 UTC, still 8 Dec in New York.
    const ending = trial(clock.now() + 2.5 * DAY);
    const later = trial(clock.now() + 10 * DAY);
    const active = trial(clock.now() + 2 * DAY, { status: 'active' });
    const over = trial(clock.now() - HOUR);

    await expect(job.run()).resolves.toEqual({ reminded: 1, queued: 1 });
    expect(reminders(db)).toEqual([{ chatId: ending, text: trialReminderText('Pro', '8 Dec 2026', false, false) }]);
    expect(reminders(db)[0]!.text).toBe('Your Pro trial ends on 8 Dec 2026; your subscription then continues and the first payment is taken. Send /billing to change your payment details or cancel before then.');
    expect(pokes()).toBe(1);

    // Every hour after, nothing new until the trial is within a day.
    for (let hour = 1; hour <= 12; hour++) {
      clock.advance(HOUR);
      await expect(job.run()).resolves.toEqual({ reminded: 0, queued: 0 });
    }
    clock.advance(1.5 * DAY - 12 * HOUR + HOUR);
    await expect(job.run()).resolves.toEqual({ reminded: 1, queued: 1 });
    clock.advance(HOUR);
    await expect(job.run()).resolves.toEqual({ reminded: 0, queued: 0 });
    expect(reminders(db).map((r) => r.chatId)).toEqual([ending, ending]);
    expect([later, active, over].some((id) => reminders(db).some((r) => r.chatId === id))).toBe(false);
  });

  it('gives a trial first seen within a day only the 1-day reminder, and tells one set to cancel that nothing will be charged', async () => {
    const { db, clock, job, trial } = world();
    const cancelling = trial(clock.now() + 20 * HOUR, { cancelAtPeriodEnd: true });
    await expect(job.run()).resolves.toEqual({ reminded: 1, queued: 1 });
    clock.advance(HOUR);
    await expect(job.run()).resolves.toEqual({ reminded: 0, queued: 0 });
    expect(reminders(db)).toEqual([{ chatId: cancelling, text: expect.stringContaining('It is set to cancel, so nothing will be charged') }]);
  });

  it('runs hourly', () => {
    expect(world().job).toMatchObject({ name: 'trial-reminders', schedule: '41 * * * *' });
  });

  it('tells every app the account is linked on, a workspace admin with the workspace\'s own command', async () => {
    const { db, clock, job } = world();
    const seeded = seedSubscribers(db, { count: 1, planId: 'vip', platform: 'telegram', status: 'trialing', now: clock.now(), subscription: { trialEnd: clock.now() + 2 * DAY } });
    db.$client.prepare(`INSERT INTO identities (id, account_id, platform, platform_user_id, tenant, created_at) VALUES ('idn_slack', ?, 'slack', 'U42', 'T9', ?)`)
      .run(seeded.accountIds[0], clock.now());
    await expect(job.run()).resolves.toEqual({ reminded: 1, queued: 2 });
    const texts = (db.$client.prepare(`SELECT t.recipient_key AS key, n.text AS text FROM deliveries d JOIN notices n ON n.ref = d.content_ref
      JOIN destinations t ON t.ref = d.destination_ref WHERE n.topic = 'trial_ending' ORDER BY t.recipient_key`).all() as { key: string; text: string }[]);
    expect(texts.map((t) => t.key)).toEqual(['slack:T9:U42', `telegram:${seeded.chatIds[0]}`]);
    expect(texts[0]!.text).toContain('Send /signals billing');
    expect(texts[1]!.text).toContain('Your VIP trial ends on');
    expect(texts[1]!.text).toContain('Send /billing');
  });
});
