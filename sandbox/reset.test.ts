// What a sandbox start clears: only what the emulators that start anew held, and nothing that was never theirs.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../core/clock';
import { openMemoryDatabase, type Db } from '../db/client';
import { SqliteAccessJobStore } from '../db/stores/access-job-store';
import { SqliteNoticeOutbox } from '../db/stores/notice-outbox';
import { seedSubscribers } from '../db/testing/seed';
import { resetSandboxAccounts } from './reset';

/** A VIP member who paid in Stripe, a granted member, and a subscriber seeded without any Stripe id. */
function world(): { db: Db; paid: string; granted: string; seeded: string } {
  const db = openMemoryDatabase();
  const paid = seedSubscribers(db, { count: 1, planId: 'vip', platform: 'telegram' });
  const granted = seedSubscribers(db, { count: 1, planId: 'vip', platform: 'telegram', subscription: { source: 'grant' } });
  const seeded = seedSubscribers(db, { count: 1, planId: 'pro', platform: 'testchat' });
  const sql = db.$client;
  sql.prepare("update subscriptions set stripe_subscription_id = 'sub_1' where account_id = ?").run(paid.accountIds[0]);
  sql.prepare("update accounts set stripe_customer_id = 'cus_1' where id = ?").run(paid.accountIds[0]);
  for (const user of [paid.chatIds[0], granted.chatIds[0]]) {
    sql.prepare("insert into access_memberships (id, platform, resource_key, platform_user_id, state, updated_at) values (?, 'telegram', 'telegram:chat:-1001000000001', ?, 'member', 0)").run(`am_${user}`, user);
    sql.prepare("insert into invite_links (id, platform, resource_key, link, platform_user_id, state, updated_at) values (?, 'telegram', 'telegram:chat:-1001000000001', ?, ?, 'used', 0)").run(`il_${user}`, `https://t.me/+${user}`, user);
  }
  // An access job and its invite message, made for the old emulators.
  new SqliteAccessJobStore({ db }).enqueue({ accountId: paid.accountIds[0] ?? '', trigger: 'subscription', actor: 'stripe' }, 0);
  new SqliteNoticeOutbox({ db }).enqueue({ accountId: paid.accountIds[0] ?? '', platform: 'telegram', platformUserId: paid.chatIds[0] ?? '' }, { topic: 'invite', text: 'https://t.me/+old' }, 0);
  return { db, paid: paid.accountIds[0] ?? '', granted: granted.accountIds[0] ?? '', seeded: seeded.accountIds[0] ?? '' };
}

const subscribers = (db: Db) => (db.$client.prepare('select account_id as a from subscriptions order by a').all() as { a: string }[]).map((r) => r.a);
const count = (db: Db, table: string) => (db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;

describe('resetting the sandbox accounts', () => {
  it('with both emulators new, clears Stripe subscriptions and customers, grants, memberships and links, and keeps rows Stripe never made', () => {
    const { db, seeded } = world();
    const report = resetSandboxAccounts(db, new FakeClock(0), { telegram: true, stripe: true });
    expect(report).toMatchObject({ subscriptions: 2, memberships: 2, inviteLinks: 2, stripeCustomers: 1, accessJobs: 1, notices: 1 });
    expect(count(db, 'access_jobs')).toBe(0);
    expect(db.$client.prepare("select state, skip_reason as why from deliveries where content_type = 'notice'").all()).toEqual([{ state: 'skipped', why: 'sandbox_reset' }]);
    expect(report.telegramUsers).toHaveLength(2);
    expect(subscribers(db)).toEqual([seeded]);
    expect(count(db, 'access_memberships')).toBe(0);
    expect(count(db, 'invite_links')).toBe(0);
    expect(count(db, 'accounts')).toBe(3);
    expect(db.$client.prepare("select actor, reason from audit_events where action = 'sandbox.reset'").all())
      .toEqual([{ actor: 'sandbox', reason: 'the emulators start empty at each start of sandbox mode' }]);
  });

  it('with only the Stripe emulator new (a real Telegram bot), leaves grants, memberships and links alone', () => {
    const { db, granted, seeded } = world();
    const report = resetSandboxAccounts(db, new FakeClock(0), { telegram: false, stripe: true });
    expect(report).toMatchObject({ subscriptions: 1, memberships: 0, inviteLinks: 0, stripeCustomers: 1, telegramUsers: [] });
    expect(subscribers(db)).toEqual([granted, seeded].sort());
    expect(count(db, 'access_memberships')).toBe(2);
    expect(count(db, 'invite_links')).toBe(2);
  });
  it('with the Discord emulator new, clears the tracked Discord roles and names the Discord users to bring back; Telegram\'s stay with a real Telegram bot', () => {
    const { db } = world();
    const member = seedSubscribers(db, { count: 1, planId: 'vip', platform: 'testchat' });
    db.$client.prepare("update identities set platform = 'discord', platform_user_id = '900000000000000123', username = 'ada' where platform_user_id = ?").run(member.chatIds[0]);
    db.$client.prepare("insert into access_memberships (id, platform, resource_key, platform_user_id, state, updated_at) values ('am_d', 'discord', 'discord:role:900000000000000001:900000000000000002', '900000000000000123', 'member', 0)").run();
    const report = resetSandboxAccounts(db, new FakeClock(0), { telegram: false, discord: true, stripe: false });
    expect(report).toMatchObject({ memberships: 1, accessJobs: 1, telegramUsers: [], discordUsers: [{ id: '900000000000000123', username: 'ada' }] });
    expect(db.$client.prepare('select platform from access_memberships').all()).toEqual([{ platform: 'telegram' }, { platform: 'telegram' }]);
  });
});
