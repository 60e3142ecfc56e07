import { describe, expect, it } from 'vitest';
import type { SubscriptionUpsert } from '../../core/accounts/ports';
import { commandWorld, only, type CommandWorld } from './commands.fixtures';

const DAY = 86_400_000;

async function subscriber(w: CommandWorld, sub: Omit<SubscriptionUpsert, 'accountId'> | null): Promise<string> {
  await w.send('42', '/start');
  const account = await w.accounts.findAccountByIdentity('testchat', '42');
  if (sub) await w.accounts.upsertSubscription({ accountId: account!.id, ...sub });
  return account!.id;
}

describe('/status', () => {
  it('shows the free plan with its access', async () => {
    const w = commandWorld();
    await subscriber(w, null);
    expect(only(await w.send('42', '/status')).text.split('\n')).toEqual([
      'Plan: Free (no subscription).',
      'Access: alerts 15 min after publication; up to 3 alerts a day; alerts by direct message.',
      'Direct messages: on.',
      'Send /plans to see the paid plans.',
    ]);
  });

  it('shows when an active plan renews (clock at 5 Jan 2026)', async () => {
    const w = commandWorld();
    await subscriber(w, { planId: 'pro', status: 'active', stripeSubscriptionId: 'sub_1', currentPeriodEnd: w.clock.now() + 31 * DAY });
    const text = only(await w.send('42', '/status')).text;
    expect(text).toContain('Plan: Pro (active).\nRenews on 5 Feb 2026.');
    expect(text).toContain('Access: real-time alerts; no daily limit; alerts by direct message.');
  });

  it('shows the end date of a cancelled plan, the end of a trial, a failed payment and a grant', async () => {
    const cases: [Omit<SubscriptionUpsert, 'accountId'>, string][] = [
      [{ planId: 'pro', status: 'active', stripeSubscriptionId: 's', currentPeriodEnd: Date.UTC(2026, 0, 20), cancelAtPeriodEnd: true }, 'Cancelled: it ends on 20 Jan 2026.'],
      [{ planId: 'pro', status: 'trialing', stripeSubscriptionId: 's', trialEnd: Date.UTC(2026, 0, 12), currentPeriodEnd: Date.UTC(2026, 0, 12) }, 'Free trial until 12 Jan 2026, then it renews.'],
      [{ planId: 'pro', status: 'past_due', stripeSubscriptionId: 's', pastDueSince: Date.UTC(2026, 0, 4), currentPeriodEnd: Date.UTC(2026, 0, 4) }, 'The last payment failed: update your payment details with /billing before 7 Jan 2026 to keep your access.'],
      [{ planId: 'vip', status: 'active', source: 'grant', currentPeriodEnd: Date.UTC(2026, 1, 1) }, 'Given by the publisher until 1 Feb 2026.'],
    ];
    for (const [sub, line] of cases) {
      const w = commandWorld();
      await subscriber(w, sub);
      expect(only(await w.send('42', '/status')).text).toContain(line);
    }
  });

  it('says which subscription lapsed, and that the free plan applies', async () => {
    const w = commandWorld();
    await subscriber(w, { planId: 'pro', status: 'unpaid', stripeSubscriptionId: 's' });
    expect(only(await w.send('42', '/status')).text).toMatch(/^Plan: Free \(your Pro subscription is unpaid\)\./);
  });

  it('shows paused direct messages', async () => {
    const w = commandWorld();
    await subscriber(w, null);
    await w.send('42', '/stop');
    expect(only(await w.send('42', '/status')).text).toContain('Direct messages: paused (send /resume to restart them).');
  });
});

describe('/status and a new invite link', () => {
  /** A Telegram user with `planId` (none when null), where the access gate runs (newInviteLinks is wired). */
  async function telegramSubscriber(planId: string | null): Promise<CommandWorld> {
    // /status never calls it: it only needs to know the gate runs.
    const w = commandWorld({ newInviteLinks: async () => ({ status: 'no_gate' }) });
    await w.send('42', '/start', { platform: 'telegram' });
    const account = await w.accounts.findAccountByIdentity('telegram', '42');
    if (planId) await w.accounts.upsertSubscription({ accountId: account!.id, planId, status: 'active', stripeSubscriptionId: 'sub_1', currentPeriodEnd: w.clock.now() + 30 * DAY });
    return w;
  }

  it('offers a New invite link button to a plan with a private channel, and to no other', async () => {
    const vip = only(await (await telegramSubscriber('vip')).send('42', '/status', { platform: 'telegram' }));
    expect(vip.text).toContain('Send /join');
    expect(vip.buttons).toEqual([[{ label: 'New invite link', data: 'join' }]]);
    for (const plan of ['pro', null]) {
      const other = only(await (await telegramSubscriber(plan)).send('42', '/status', { platform: 'telegram' }));
      expect(other.buttons, String(plan)).toBeUndefined();
      expect(other.text).not.toContain('/join');
    }
  });

  it('offers no button where no access gate runs', async () => {
    const w = commandWorld();
    await w.send('42', '/start', { platform: 'telegram' });
    const account = await w.accounts.findAccountByIdentity('telegram', '42');
    await w.accounts.upsertSubscription({ accountId: account!.id, planId: 'vip', status: 'active', stripeSubscriptionId: 'sub_1', currentPeriodEnd: w.clock.now() + 30 * DAY });
    expect(only(await w.send('42', '/status', { platform: 'telegram' })).buttons).toBeUndefined();
    expect(only(await w.send('42', '/join', { platform: 'telegram' })).text).toBe('There is no private channel to join here.');
  });
});

describe('/billing', () => {
  it('says clearly that there is nothing to manage for someone who never paid', async () => {
    const w = commandWorld();
    expect(only(await w.send('42', '/billing')).text).toBe('You have not paid for a plan yet, so there is no billing to manage. Send /subscribe to choose a plan.');
  });

  it('answers with a portal button for a paying customer', async () => {
    const w = commandWorld();
    const accountId = await subscriber(w, null);
    w.db.$client.prepare("UPDATE accounts SET stripe_customer_id = 'cus_1' WHERE id = ?").run(accountId);
    expect(only(await w.send('42', '/billing')).buttons).toEqual([[{ label: 'Manage billing', url: 'http://127.0.0.1:1/portal/cus_1' }]]);
  });
});
