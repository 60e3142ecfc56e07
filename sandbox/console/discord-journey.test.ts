// End to end on Discord through the console: the service in sandbox mode, a person who only uses the console's Discord forms and the Stripe checkout page.
import { afterEach, describe, expect, it } from 'vitest';
import { prepareService } from '../../app/service';
import { loadConfig } from '../../config';
import { DEFAULT_PLANS } from '../../core/plans';
import { recordingLogger } from '../../core/testing/logger';
import { until } from '../../core/testing/until';
import { openMemoryDatabase } from '../../db/client';
import { idleCron } from '../../schedules/testing/idle-cron';
import { signBody } from '../../server/signature';
import { DEMO_GUILD } from '../discord';
import { startSandbox } from '../index';
import { DEFAULT_DISCORD_USER } from './discord-section';
import { submitForm } from './testing/submit';

const SECRET = 'discord-console-journey-secret';
const WIDE = '10000/1s';

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

describe('the sandbox console on Discord, end to end', () => {
  it('runs /subscribe vip in the demo server, pays on the checkout page, gets the VIP role that opens #vip-signals, and sees the alert embed there', async () => {
    const logger = recordingLogger();
    const config = loadConfig({
      PORT: '0', HOST: '127.0.0.1', INGEST_SIGNING_SECRET: SECRET, LOG_LEVEL: 'silent',
      DISCORD_RATE_OVERALL: WIDE, DISCORD_RATE_PER_CHAT: WIDE, DISCORD_RATE_PER_GROUP: WIDE,
    });
    const sandbox = await startSandbox({ config, plans: DEFAULT_PLANS, logger });
    running.push(() => sandbox.stop());
    const service = await prepareService({ config: sandbox.config, logger, db: openMemoryDatabase(), plans: sandbox.plans, cron: idleCron });
    running.push(async () => {
      await service.stop();
      service.db.$client.close();
    });
    const serviceUrl = await service.start();
    sandbox.attach(serviceUrl);
    const discord = sandbox.discord!.emulator;
    const consoleUrl = sandbox.consoleUrl ?? '';
    const page = async () => (await fetch(consoleUrl)).text();
    const discordPart = async () => {
      const html = await page();
      return html.slice(html.indexOf('<section id="discord">'), html.indexOf('<section id="stripe">'));
    };

    // The slash commands show once discord.js has registered them; run /subscribe vip from the quick button.
    await until(async () => (await discordPart()).includes('value="/subscribe vip"'), 'the slash commands on the console', { timeoutMs: 8_000, everyMs: 25 });
    expect(await submitForm(`${consoleUrl}discord/run`, { text: '/subscribe vip' })).toEqual({ status: 303, location: '/' });
    const stripeUrl = sandbox.stripe?.url ?? '';
    const checkoutUrl = await until(async () => new RegExp(`href="(${stripeUrl}/c/pay/[^"]+)" target="_blank"`).exec(await discordPart())?.[1], 'the checkout link', { timeoutMs: 8_000, everyMs: 25 });

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

    // The role comes from the access job Stripe's webhook queued; the console shows #vip-signals open.
    const opened = await until(async () => {
      const html = await discordPart();
      return html.includes('<strong>#vip-signals</strong> (VIP): <strong>open to you</strong>') && html;
    }, 'the VIP role', { timeoutMs: 8_000, everyMs: 25 });
    expect(opened).toContain('Your roles: <strong>VIP</strong>');
    expect(discord.memberRoles(DEMO_GUILD.id, DEFAULT_DISCORD_USER.id)).toEqual([DEMO_GUILD.vipRole]);

    // A signal through the ingest API: one alert embed in #vip-signals, shown on the console.
    const body = JSON.stringify({ publisherId: 'discord-console-journey-1', symbol: 'ETHUSDT', market: 'crypto', side: 'short', conviction: 0.93, reasons: ['Lower high_on volume'] });
    const published = await fetch(`${serviceUrl}/v1/signals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signalcast-signature': signBody(SECRET, body, Date.now()) },
      body,
    });
    expect(published.status).toBe(202);
    const withAlert = await until(async () => {
      const html = await discordPart();
      const channel = html.slice(html.indexOf('<h3>Roles and gated channels</h3>'));
      return channel.includes('SHORT ETHUSDT') && channel;
    }, 'the alert in #vip-signals', { timeoutMs: 8_000, everyMs: 25 });
    expect(withAlert).toContain('• Lower high_on volume');
    // One alert; the rationale, when the model has answered by now, is a reply to it rather than a second alert.
    const messages = discord.messagesIn(DEMO_GUILD.vipChannel);
    expect(messages.filter((m) => m.message_reference === undefined)).toHaveLength(1);
    expect(messages.filter((m) => m.message_reference !== undefined).map((m) => m.message_reference?.message_id)).toEqual(
      messages.length > 1 ? [messages[0]!.id] : [],
    );
  }, 30_000);
});
