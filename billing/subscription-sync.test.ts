import { afterEach, describe, expect, it } from 'vitest';
import { createAccessQueue } from '../app/access';
import { SubscriptionSync } from './subscription-sync';
import { CARD_OK, startBillingHarness, type BillingHarness } from './testing/harness';

describe('a subscription change and its access job, through the Stripe emulator', () => {
  let h: BillingHarness;
  afterEach(async () => h?.stop());

  /** A paid subscription (mirrored by the harness's own webhook), then a sync that writes access jobs, with the webhook off. */
  async function setUp() {
    h = await startBillingHarness();
    const account = await h.newAccount();
    const link = await h.checkout(account, 'pro');
    expect((await h.pay(link.url, CARD_OK)).status).toBe(303);
    await h.settle();
    const subscriptionId = (await h.stripe.checkout.sessions.retrieve(link.sessionId)).subscription as string;
    h.emu.setWebhookUrl(undefined);
    const queue = createAccessQueue({ db: h.db, plans: h.plans, clock: h.clock, platforms: ['telegram'] });
    const sync = new SubscriptionSync({
      stripe: h.stripe, accounts: h.accounts, events: h.events, plans: h.plans, audit: h.audit, clock: h.clock, logger: h.logger,
      writer: queue.writer, followUp: queue.followUp,
    });
    return { accountId: account.id, subscriptionId, sync };
  }

  const status = () => h.rows("select status from subscriptions where source = 'stripe'")[0]?.status;

  it('writes the change, its audit event, the account\'s access job and the lapse message in one go', async () => {
    const { accountId, subscriptionId, sync } = await setUp();
    await h.emu.renewalFails(subscriptionId);
    await h.emu.renewalFails(subscriptionId);
    const result = await sync.syncById(subscriptionId, { actor: 'stripe', reason: 'test' });
    expect(result.outcome).toBe('applied');
    expect(status()).toBe('unpaid');
    expect(h.rows('select account_id as accountId, state, trigger from access_jobs')).toEqual([{ accountId, state: 'pending', trigger: 'subscription' }]);
    expect(h.rows("select topic from notices")).toEqual([{ topic: 'lapse' }]);
    expect(h.rows("select action from audit_events where action = 'subscription.changed'")).toHaveLength(1);
  });

  it('keeps the old state when the access job cannot be written, so the webhook fails and Stripe sends it again', async () => {
    const { subscriptionId, sync } = await setUp();
    await h.emu.renewalFails(subscriptionId);
    await h.emu.renewalFails(subscriptionId);
    const audited = h.rows('select count(*) as n from audit_events')[0]?.n;
    h.db.$client.exec('DROP TABLE access_jobs');
    await expect(sync.syncById(subscriptionId, { actor: 'stripe', reason: 'test' })).rejects.toThrow(/access_jobs/);
    expect(status()).toBe('active');
    expect(h.rows('select count(*) as n from audit_events')[0]?.n).toBe(audited);
    expect(h.rows('select count(*) as n from notices')[0]?.n).toBe(0);
  });
});
