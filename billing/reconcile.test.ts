// Reconciliation against the Stripe emulator: a missed webhook is repaired at the next run; --dry-run only reports.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../cli/io';
import { billingReconcile } from '../cli/commands/billing';
import { CARD_OK, startBillingHarness, type BillingHarness } from './testing/harness';

let h: BillingHarness;
beforeEach(async () => {
  h = await startBillingHarness();
});
afterEach(async () => h.stop());

async function subscribe(planId: string): Promise<{ accountId: string; subscriptionId: string }> {
  const account = await h.newAccount();
  const link = await h.checkout(account, planId);
  await h.pay(link.url, CARD_OK);
  await h.settle();
  return { accountId: account.id, subscriptionId: (await h.stripe.checkout.sessions.retrieve(link.sessionId)).subscription as string };
}

describe('billing reconcile', () => {
  it('creates the mirror of a subscription whose webhooks never arrived, audits it and calls the hook', async () => {
    h.emu.setWebhookUrl(undefined);
    const { accountId, subscriptionId } = await subscribe('pro');
    expect(await h.mirror(accountId)).toBeUndefined();

    const report = await h.service.reconcile();
    expect(report).toMatchObject({ dryRun: false, checked: 1, unknown: [], orphans: [], errors: [] });
    expect(report.changes).toEqual([expect.objectContaining({ stripeSubscriptionId: subscriptionId, accountId, kind: 'missing', before: null, applied: true, after: expect.objectContaining({ status: 'active', planId: 'pro' }) })]);
    expect(await h.mirror(accountId)).toMatchObject({ status: 'active', planId: 'pro' });
    expect((await h.accounts.getAccount(accountId))?.stripeCustomerId).toMatch(/^cus_/);
    expect(h.changes).toHaveLength(1);
    expect(h.audit.list({ subjectId: accountId })[0]).toMatchObject({ actor: 'system', reason: 'billing reconcile' });

    expect((await h.service.reconcile()).changes).toEqual([]);
  });

  it('repairs a wrong status and period after a missed renewal failure', async () => {
    const { accountId, subscriptionId } = await subscribe('pro');
    h.emu.setWebhookUrl(undefined);
    await h.emu.renewalFails(subscriptionId);
    expect(await h.mirror(accountId)).toMatchObject({ status: 'active' });

    const report = await h.service.reconcile();
    expect(report.changes).toHaveLength(1);
    expect(report.changes[0]).toMatchObject({ kind: 'drifted', before: { status: 'active' }, after: { status: 'past_due' } });
    expect(report.changes[0]?.fields).toEqual(expect.arrayContaining(['status', 'currentPeriodEnd', 'pastDueSince']));
    const mirror = await h.mirror(accountId);
    expect(mirror).toMatchObject({ status: 'past_due' });
    expect(mirror?.currentPeriodEnd?.getTime()).toBe(Date.UTC(2026, 2, 15, 12));
    expect(mirror?.pastDueSince?.getTime()).toBe(Date.UTC(2026, 1, 15, 12));
  });

  it('with --dry-run reports the same drift and changes nothing', async () => {
    h.emu.setWebhookUrl(undefined);
    const { accountId, subscriptionId } = await subscribe('vip');
    const io = captureIo();
    await billingReconcile({ billing: h.service, io }, { dryRun: true });
    expect(io.stdout[0]).toBe('Checked 1 Stripe subscriptions (dry run: nothing changed).');
    expect(io.stdout.join('\n')).toContain(`Would repair 1:\n  ${subscriptionId} (account ${accountId}): missing locally -> vip trialing until 2026-01-22`);
    expect(h.rows('select * from subscriptions')).toHaveLength(0);
    expect(h.rows('select * from audit_events')).toHaveLength(0);
    expect((await h.accounts.getAccount(accountId))?.stripeCustomerId).toBeNull();
    expect(h.changes).toHaveLength(0);
  });

  it('pages through every subscription and reports those no account claims', async () => {
    for (let i = 0; i < 3; i++) await subscribe('pro');
    const stranger = await h.stripe.customers.create({ email: 'stranger@example.com' });
    const foreign = await h.stripe.subscriptions.create({ customer: stranger.id, items: [{ price: 'price_pro_monthly' }], trial_period_days: 3 });
    const report = await h.service.reconcile({ pageSize: 2 });
    expect(h.emu.calls('GET', '/v1/subscriptions').map((c) => c.form)).toEqual([
      { status: 'all', limit: '2' },
      { status: 'all', limit: '2', starting_after: expect.stringMatching(/^sub_/) },
    ]);
    expect(report.checked).toBe(4);
    expect(report.changes).toEqual([]);
    expect(report.unknown).toEqual([{ stripeSubscriptionId: foreign.id, customerId: stranger.id }]);
  });

  it('reports a local mirror Stripe does not list, without touching it', async () => {
    const account = await h.newAccount();
    await h.accounts.upsertSubscription({ accountId: account.id, stripeSubscriptionId: 'sub_gone', planId: 'pro', status: 'active' });
    const report = await h.service.reconcile();
    expect(report.orphans).toEqual([{ stripeSubscriptionId: 'sub_gone', accountId: account.id }]);
    expect(await h.mirror(account.id)).toMatchObject({ status: 'active' });
  });
});
