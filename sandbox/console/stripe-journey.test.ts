// End to end in the sandbox: a subscriber joins the VIP channel, then the console's Stripe buttons take them through
// past_due (kept), unpaid (removed), paying again (back in) and a refund (removed), as a newcomer would watch it.
import { afterEach, describe, expect, it } from 'vitest';
import { prepareService } from '../../app/service';
import { loadConfig } from '../../config';
import { DEFAULT_PLANS } from '../../core/plans';
import { until } from '../../core/testing/until';
import { openMemoryDatabase } from '../../db/client';
import { idleCron } from '../../schedules/testing/idle-cron';
import { recordingLogger } from '../../core/testing/logger';
import { startSandbox } from '../index';
import { submitForm } from './testing/submit';

const WIDE = { limit: 10_000, windowMs: 1000 };
const ADA = 100001;
const VIP_CHANNEL = -1001000000001;
const JOIN_FORM = /<form method="post" action="(\/telegram\/join)" class="inline"><input type="hidden" name="link" value="(https:\/\/t\.me\/\+[^"]+)">/g;

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

const submit = submitForm;

describe('the console\'s Stripe buttons in the running sandbox', () => {
  it('shows past_due kept within grace, unpaid removed, paying again back in, and a refund removed again', async () => {
    const logger = recordingLogger();
    const config = loadConfig({
      PORT: '0', HOST: '127.0.0.1', INGEST_SIGNING_SECRET: 'stripe-journey-secret', LOG_LEVEL: 'silent',
      TELEGRAM_RATE_OVERALL: '10000/1s', TELEGRAM_RATE_PER_CHAT: '10000/1s', TELEGRAM_RATE_PER_GROUP: '10000/1s',
    });
    const sandbox = await startSandbox({ config, plans: DEFAULT_PLANS, logger, telegramLimits: { overall: WIDE, perChat: WIDE, perGroup: WIDE } });
    running.push(() => sandbox.stop());
    const service = await prepareService({ config: sandbox.config, logger, db: openMemoryDatabase(), plans: sandbox.plans, cron: idleCron });
    running.push(async () => {
      await service.stop();
      service.db.$client.close();
    });
    sandbox.attach(await service.start());
    const consoleUrl = sandbox.consoleUrl ?? '';
    const stripe = sandbox.stripe!;
    const telegram = sandbox.telegram!;
    const page = async () => (await fetch(consoleUrl)).text();
    const member = () => telegram.memberStatus(VIP_CHANNEL, ADA);
    const wait = { timeoutMs: 8_000, everyMs: 25 };
    /** Joins with the newest invite link in the chat. */
    const joinNewest = async (seen: number) => {
      const links = await until(async () => {
        const found = [...(await page()).matchAll(JOIN_FORM)];
        return found.length > seen && found;
      }, 'a new invite link', wait);
      const newest = links.at(-1) ?? [];
      await submit(new URL(newest[1] ?? '', consoleUrl).href, { link: newest[2] ?? '' });
      await until(() => member() === 'member', 'Ada in the VIP channel', wait);
      return links.length;
    };

    await submit(`${consoleUrl}telegram/send`, { text: '/start' });
    await submit(`${consoleUrl}telegram/send`, { text: '/subscribe vip' });
    const checkoutUrl = await until(async () => new RegExp(`href="(${stripe.url}/c/pay/[^"]+)" target="_blank"`).exec(await page())?.[1], 'the checkout link', wait);
    const paid = await fetch(checkoutUrl, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'ada@example.com', card_number: '4242 4242 4242 4242' }).toString(), redirect: 'manual',
    });
    expect(paid.status).toBe(303);
    const links = await joinNewest(0);
    const subscriptionId = [...stripe.store.subscriptions.keys()][0] as string;
    const press = async (action: string) => {
      const res = await submit(`${consoleUrl}stripe/${action}`, { subscription: subscriptionId });
      expect(res.status).toBe(303);
      await stripe.whenWebhooksDelivered();
    };

    await press('trial-fails');
    expect(stripe.subscription(subscriptionId).status).toBe('past_due');
    expect(await page()).toContain('<strong>past_due</strong>');
    expect(member()).toBe('member');

    await press('renewal-fails');
    expect(stripe.subscription(subscriptionId).status).toBe('unpaid');
    await until(() => member() !== 'member', 'Ada removed from the VIP channel', wait);

    await press('renewal-pays');
    expect(stripe.subscription(subscriptionId).status).toBe('active');
    await joinNewest(links);

    await press('refund');
    await until(() => member() !== 'member', 'Ada removed after the refund', wait);
    expect(stripe.subscription(subscriptionId).status).toBe('active');
    expect(stripe.webhooks.attempts.every((a) => a.status === 200)).toBe(true);
  }, 30_000);
});
