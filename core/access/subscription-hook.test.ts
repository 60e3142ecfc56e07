import { afterEach, describe, expect, it } from 'vitest';
import { startAccessWorld, type AccessWorld } from '../../bots/telegram/access.fixtures';

const DAY = 86_400_000;

describe('onSubscriptionChanged (Telegram emulator, real grammy, real SQLite)', () => {
  let w: AccessWorld;
  afterEach(async () => w?.close());

  const texts = (userId: number) => w.emu.sentMessages(userId).map((m) => m.text ?? '');

  it('welcomes a new subscriber of a plan without a channel, and says the way back when it lapses', async () => {
    w = await startAccessWorld();
    const pro = await w.subscriber(808, null);
    const after = await w.accounts.upsertSubscription({ accountId: pro.accountId, planId: 'pro', status: 'active', currentPeriodEnd: w.clock.now() + 30 * DAY, stripeSubscriptionId: 'sub_808' });
    pro.subscription = after;
    await w.onSubscriptionChanged(pro.accountId, { before: null, after });
    expect(texts(808)).toEqual([expect.stringContaining('Welcome to Pro!')]);

    await w.setStatus(pro, 'canceled');
    expect(texts(808).at(-1)).toContain('Your Pro subscription has ended; you are on the Free plan now. Send /subscribe pro to come back.');
    expect(w.emu.calls('createChatInviteLink')).toHaveLength(0);
  });

  it('says the way back once when a subscription set to cancel at its period\'s end is ended by Stripe after that end', async () => {
    w = await startAccessWorld();
    const pro = await w.subscriber(707, null);
    // Cancelled in the portal: it runs to its period's end, which passes before Stripe's webhook arrives.
    pro.subscription = await w.accounts.upsertSubscription({
      accountId: pro.accountId, planId: 'pro', status: 'active', cancelAtPeriodEnd: true, currentPeriodEnd: w.clock.now() + 30_000, stripeSubscriptionId: 'sub_707',
    });
    await w.setStatus(pro, 'canceled');
    const lapse = 'Your Pro subscription has ended; you are on the Free plan now. Send /subscribe pro to come back.';
    expect(texts(707)).toEqual([lapse]);
    // Stripe's next event about the same end says nothing more.
    await w.setStatus(pro, 'canceled');
    expect(texts(707)).toEqual([lapse]);
  });

  it('says the way back once when a past_due subscription whose grace ran out is marked unpaid by Stripe', async () => {
    w = await startAccessWorld();
    const pro = await w.subscriber(717, null);
    // Past due for longer than the plans' grace (3 days) when Stripe gives up retrying the payment.
    pro.subscription = await w.accounts.upsertSubscription({
      accountId: pro.accountId, planId: 'pro', status: 'past_due', pastDueSince: w.clock.now() - 4 * DAY, currentPeriodEnd: w.clock.now() + 26 * DAY, stripeSubscriptionId: 'sub_717',
    });
    await w.setStatus(pro, 'unpaid');
    const lapse = 'Your Pro subscription has ended; you are on the Free plan now. Send /subscribe pro to come back.';
    expect(texts(717)).toEqual([lapse]);
    await w.setStatus(pro, 'canceled');
    expect(texts(717)).toEqual([lapse]);
  });

  it('sends a channel subscriber one message, the invite, rather than a welcome beside it', async () => {
    w = await startAccessWorld();
    const vip = await w.subscriber(909, null);
    const after = await w.accounts.upsertSubscription({ accountId: vip.accountId, planId: 'vip', status: 'active', currentPeriodEnd: w.clock.now() + 30 * DAY });
    await w.onSubscriptionChanged(vip.accountId, { before: null, after });
    expect(texts(909)).toHaveLength(1);
    expect(texts(909)[0]).toContain('personal invite link');
  });

  it('says nothing and changes nothing for a change the subscriber would not notice', async () => {
    w = await startAccessWorld();
    const vip = await w.subscriber(909, 'vip');
    await w.reconciler.reconcile({ accountId: vip.accountId });
    const link = texts(909)[0]?.match(/https:\/\/t\.me\/\+\S+/)?.[0];
    expect(await w.joinWithLink(909, link!)).toBe('joined');
    await w.pumpUpdates();
    // The approval's message waits out Telegram's one message per second per chat.
    await w.clock.advance(60_000);
    await w.deliver();
    expect(texts(909).at(-1)).toContain('approved');
    const requests = w.emu.requests.length;
    const told = texts(909).length;

    // A replayed event, then a failed renewal still inside the grace period.
    await w.setStatus(vip, 'active');
    await w.setStatus(vip, 'past_due');
    expect(texts(909), texts(909).join(' | ')).toHaveLength(told);
    expect(w.emu.isMember(w.channel.id, 909)).toBe(true);
    expect(w.emu.requests.length).toBe(requests);
  });
});
