// End to end through the console: the service in sandbox mode, a person who only uses the console's forms and the Stripe checkout page.
import { afterEach, describe, expect, it } from 'vitest';
import { prepareService } from '../../app/service';
import { loadConfig } from '../../config';
import { DEFAULT_PLANS } from '../../core/plans';
import { openMemoryDatabase } from '../../db/client';
import { idleCron } from '../../schedules/testing/idle-cron';
import { signBody } from '../../server/signature';
import { recordingLogger } from '../../core/testing/logger';
import { startSandbox } from '../index';
import { until } from '../../core/testing/until';
import { submitForm } from './testing/submit';

const SECRET = 'console-journey-signing-secret';
/** Flood limits are not what this test is about: a script types faster than Telegram's 1 message/s per chat allows. */
const WIDE = { limit: 10_000, windowMs: 1000 };


const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

const submit = submitForm;

/** The Join form beside an invite link in the chat: its action and the link. */
const JOIN_FORM = /<form method="post" action="(\/telegram\/join)" class="inline"><input type="hidden" name="link" value="(https:\/\/t\.me\/\+[^"]+)">/;

describe('the sandbox console, end to end', () => {
  it('subscribes, pays with the test card, joins the VIP channel and sees the alert arrive, all through the console', async () => {
    const logger = recordingLogger();
    const config = loadConfig({
      PORT: '0', HOST: '127.0.0.1', INGEST_SIGNING_SECRET: SECRET, LOG_LEVEL: 'silent',
      TELEGRAM_RATE_OVERALL: '10000/1s', TELEGRAM_RATE_PER_CHAT: '10000/1s', TELEGRAM_RATE_PER_GROUP: '10000/1s',
    });
    const sandbox = await startSandbox({ config, plans: DEFAULT_PLANS, logger, telegramLimits: { overall: WIDE, perChat: WIDE, perGroup: WIDE } });
    running.push(() => sandbox.stop());
    const service = await prepareService({ config: sandbox.config, logger, db: openMemoryDatabase(), plans: sandbox.plans, cron: idleCron });
    running.push(async () => {
      await service.stop();
      service.db.$client.close();
    });
    const serviceUrl = await service.start();
    sandbox.attach(serviceUrl);

    const consoleUrl = sandbox.consoleUrl ?? '';
    expect(consoleUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(logger.records.some((r) => r.msg === `sandbox: console at ${consoleUrl}`)).toBe(true);
    const page = async () => (await fetch(consoleUrl)).text();
    const first = await page();
    expect(first).toContain(`curl -sS -X POST ${serviceUrl}/v1/signals`);

    // /start and /subscribe vip, typed into the console; the bot's answer carries the checkout link.
    expect(await submit(`${consoleUrl}telegram/send`, { text: '/start' })).toEqual({ status: 303, location: '/' });
    await until(async () => (await page()).includes('class="bot"'), 'the answer to /start', { timeoutMs: 8_000, everyMs: 25 });
    await submit(`${consoleUrl}telegram/send`, { text: '/subscribe vip' });
    const stripeUrl = sandbox.stripe?.url ?? '';
    const checkoutUrl = await until(async () => new RegExp(`href="(${stripeUrl}/c/pay/[^"]+)" target="_blank"`).exec(await page())?.[1], 'the checkout link', { timeoutMs: 8_000, everyMs: 25 });

    // Pay on the Stripe emulator's hosted page as a browser does: GET the page, POST its form.
    const checkout = await (await fetch(checkoutUrl)).text();
    const action = /<form method="post" action="([^"]+)"/.exec(checkout)?.[1] ?? '';
    const paid = await fetch(new URL(action, checkoutUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'ada@example.com', card_number: '4242 4242 4242 4242', card_expiry: '12 / 34', card_cvc: '123', name: 'Ada' }).toString(),
      redirect: 'manual',
    });
    expect(paid.status).toBe(303);

    // The invite link arrives in the chat on the console, with a Join button; press it.
    const invite = await until(async () => JOIN_FORM.exec(await page()), 'the invite link', { timeoutMs: 8_000, everyMs: 25 });
    // The personal link asks to join; the bot approves the person it was made for.
    expect(await submit(new URL(invite[1] ?? '', consoleUrl).href, { link: invite[2] ?? '' })).toEqual({ status: 303, location: '/?notice=You+asked+to+join%3A+the+bot+decides.' });
    await until(async () => (await page()).includes('you are <strong>a member</strong>'), 'the join request approved', { timeoutMs: 8_000, everyMs: 25 });

    // A signal through the ingest API: the alert shows on the console, in the VIP channel and in the chat.
    const body = JSON.stringify({ publisherId: 'console-journey-1', symbol: 'SOLUSDT', market: 'crypto', side: 'long', conviction: 0.91, reasons: ['Breakout <above> range'] });
    const published = await fetch(`${serviceUrl}/v1/signals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signalcast-signature': signBody(SECRET, body, Date.now()) },
      body,
    });
    expect(published.status).toBe(202);
    const withAlert = await until(async () => {
      const html = await page();
      const channel = html.slice(html.indexOf('<h3>Plan channels</h3>'));
      return channel.includes('SOLUSDT') && html.indexOf('SOLUSDT') < html.indexOf('<h3>Plan channels</h3>') && html;
    }, 'the alert in the channel and in the chat', { timeoutMs: 8_000, everyMs: 25 });
    expect(withAlert).toContain('Breakout &lt;above&gt; range');
    // VIP's alerts go with protect_content: the console marks them, in the channel as in the chat.
    const channelPart = withAlert.slice(withAlert.indexOf('<h3>Plan channels</h3>'));
    expect(channelPart).toMatch(/<span class="meta">[^<]* · protected<\/span>\n[^<]*SOLUSDT/);
  }, 20_000);
});
