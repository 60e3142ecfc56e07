import { afterEach, describe, expect, it } from 'vitest';
import { createAccessQueue } from '../app/access';
import type Stripe from 'stripe';
import { RefundHolds } from './refunds';
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
    const refunds = new RefundHolds({
      stripe: h.stripe, accounts: h.accounts, events: h.events, audit: h.audit, clock: h.clock, logger: h.logger, writer: queue.writer, followUp: queue.followUp,
    });
    return { accountId: account.id, subscriptionId, sync, refunds };
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

  it('holds a refunded subscription and writes its access job and audit event in one go', async () => {
    const { accountId, subscriptionId, refunds } = await setUp();
    h.emu.refund(subscriptionId);
    const event = h.emu.events('charge.refunded')[0] as Stripe.Event;
    expect(await refunds.handle(event)).toBe('applied');
    expect(h.rows('select access_revoked_reason as reason from subscriptions where source = \'stripe\'')[0]?.reason).toMatch(/^charge\.refunded ch_/);
    expect(h.rows('select account_id as accountId, state, trigger from access_jobs')).toEqual([{ accountId, state: 'pending', trigger: 'subscription' }]);
    expect(h.rows("select action from audit_events where action = 'subscription.access_revoked'")).toHaveLength(1);
  });

  it('keeps the subscription unheld when the refund\'s access job cannot be written, so Stripe sends the event again', async () => {
    const { refunds, subscriptionId } = await setUp();
    h.emu.refund(subscriptionId);
    const event = h.emu.events('charge.refunded')[0] as Stripe.Event;
    h.db.$client.exec('DROP TABLE access_jobs');
    await expect(refunds.handle(event)).rejects.toThrow(/access_jobs/);
    expect(h.rows('select access_revoked_at as at from subscriptions where source = \'stripe\'')[0]?.at).toBeNull();
    expect(h.rows("select action from audit_events where action = 'subscription.access_revoked'")).toHaveLength(0);
  });
});
