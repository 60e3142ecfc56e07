// The whole subscriber path through the real wiring, driving the Telegram and Stripe emulators as a user would.
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { signBody } from '../server/signature';
import { until } from '../core/testing/until';
import { startServiceWorld, type ServiceWorld } from './testing/service-world';

const SECRET = 'journey-signing-secret-value';
const USER = 4242;
const VIP_CHANNEL = -1001000000001;
const CARD_OK = '4242 4242 4242 4242';


type World = ServiceWorld;

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

const startWorld = (): Promise<World> => startServiceWorld(running, { signingSecret: SECRET });

const texts = (messages: Message[]) => messages.map((m) => ('text' in m ? m.text : m.caption) ?? '');

/** The user writes to the bot and the bot answers: the new messages it sent to the user. */
async function say(w: World, text: string): Promise<Message[]> {
  const before = w.tg.sentMessages(USER).length;
  w.tg.userSends(USER, text, { profile: { firstName: 'Ada', username: 'ada' } });
  return until(() => w.tg.sentMessages(USER).length > before && w.tg.sentMessages(USER).slice(before), `an answer to ${text}`);
}

/** Pays on the hosted checkout page as a browser would: GET the page, POST its form. */
async function payAt(checkoutUrl: string): Promise<Response> {
  const page = await fetch(checkoutUrl);
  expect(page.status).toBe(200);
  const action = /<form method="post" action="([^"]+)"/.exec(await page.text())?.[1];
  expect(action).toBeDefined();
  const body = new URLSearchParams({ email: 'ada@example.com', card_number: CARD_OK, card_expiry: '12 / 34', card_cvc: '123', name: 'Ada' });
  return fetch(new URL(action ?? '', checkoutUrl), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString(), redirect: 'manual' });
}

/** The personal invite link the bot sent the user, newest first. */
function linkInDm(w: World, after: number): string | undefined {
  return texts(w.tg.sentMessages(USER).slice(after)).map((t) => /https:\/\/t\.me\/\+\S+/.exec(t)?.[0]).find(Boolean);
}

function mirrorStatus(w: World): string | undefined {
  const row = w.service.db.$client.prepare("select status from subscriptions where source = 'stripe'").get() as { status: string } | undefined;
  return row?.status;
}

async function publish(w: World, symbol: string): Promise<Response> {
  const body = JSON.stringify({ publisherId: `journey-${symbol}`, symbol, market: 'crypto', side: 'long', conviction: 0.9, reasons: ['Breakout on volume'] });
  return fetch(`${w.url}/v1/signals`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signalcast-signature': signBody(SECRET, body, w.clock.now()) },
    body,
  });
}

describe('the subscriber journey on Telegram and Stripe', () => {
  it('pays, joins the VIP channel, gets alerts, loses the channel when payment lapses, and is back in after paying again', async () => {
    const w = await startWorld();
    const { tg, stripe } = w;

    // /start, then /subscribe vip: a button to the hosted checkout on the Stripe emulator.
    expect(tg.commands().map((c) => c.command)).toContain('subscribe');
    const hello = await say(w, '/start');
    expect(hello).toHaveLength(1);
    const offer = await say(w, '/subscribe vip');
    const button = offer.flatMap((m) => m.reply_markup?.inline_keyboard.flat() ?? []).find((b) => 'url' in b);
    const checkoutUrl = button && 'url' in button ? button.url : '';
    expect(checkoutUrl.startsWith(`${stripe.url}/`)).toBe(true);
    expect(stripe.calls('POST', '/v1/checkout/sessions')).toHaveLength(1);

    // Pay with the test card: the page redirects to our own success page, and the webhook arrives.
    const sentBeforePay = tg.sentMessages(USER).length;
    const paid = await payAt(checkoutUrl);
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')?.startsWith(w.url)).toBe(true);
    await stripe.whenWebhooksDelivered();
    expect(stripe.webhooks.attempts.length).toBeGreaterThan(0);
    expect(stripe.webhooks.attempts.every((a) => a.status === 200)).toBe(true);
    expect(mirrorStatus(w)).toBe('active');

    // The invite link arrives by DM: personal, asking to join, expiring; the user opens it and the bot approves them.
    const link = await until(() => linkInDm(w, sentBeforePay), 'an invite link in the DM');
    const created = tg.inviteLinks(VIP_CHANNEL).find((l) => l.invite_link === link);
    expect(created).toMatchObject({ creates_join_request: true, is_revoked: false });
    expect(created?.expire_date).toBeGreaterThan(w.clock.now() / 1000);
    expect(tg.userJoinsWithLink(USER, link)).toBe('requested');
    await until(() => tg.isMember(VIP_CHANNEL, USER), 'the join request approved');
    // The bot saw the user come in and retired the used link.
    await until(() => tg.inviteLinks(VIP_CHANNEL).find((l) => l.invite_link === link)?.is_revoked, 'the used link to be revoked');

    // A signal: the alert arrives in the VIP channel and in the user's DM.
    const dmBeforeSignal = tg.sentMessages(USER).length;
    expect((await publish(w, 'ETHUSDT')).status).toBe(202);
    const inChannel = await until(() => tg.sentMessages(VIP_CHANNEL).find((m) => m.text?.includes('ETHUSDT')), 'the alert in the channel');
    const byDm = await until(() => tg.sentMessages(USER).slice(dmBeforeSignal).find((m) => m.text?.includes('ETHUSDT')), 'the alert by DM');
    // VIP protects its content: neither copy can be forwarded or saved.
    expect([inChannel.has_protected_content, byDm.has_protected_content]).toEqual([true, true]);
    const forward = await fetch(`${tg.apiRoot}/bot${tg.token}/forwardMessage`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chat_id: USER, from_chat_id: VIP_CHANNEL, message_id: inChannel.message_id }),
    });
    expect(await forward.json()).toEqual({ ok: false, error_code: 400, description: "Bad Request: message can't be forwarded" });

    // The renewal fails: past_due, still in the channel within the grace period.
    const subscriptionId = [...stripe.store.subscriptions.keys()][0] ?? '';
    expect((await stripe.renewalFails(subscriptionId)).status).toBe('past_due');
    await stripe.whenWebhooksDelivered();
    await until(() => mirrorStatus(w) === 'past_due', 'the mirror to be past_due');
    expect(tg.isMember(VIP_CHANNEL, USER)).toBe(true);
    expect(tg.calls('banChatMember')).toHaveLength(0);

    // The retry fails too: unpaid. The user is removed (ban, then unban so they can come back), links revoked, told why.
    const dmBeforeLapse = tg.sentMessages(USER).length;
    expect((await stripe.renewalFails(subscriptionId)).status).toBe('unpaid');
    await stripe.whenWebhooksDelivered();
    // The webhook answered once the change and its access job were committed: the job removes them right after.
    await until(() => tg.memberStatus(VIP_CHANNEL, USER) === 'left', 'the user to be removed (ban, then unban)');
    expect(tg.calls('banChatMember')).toHaveLength(1);
    expect(tg.calls('unbanChatMember')).toHaveLength(1);
    expect(tg.inviteLinks(VIP_CHANNEL).filter((l) => !l.is_revoked && l.name !== undefined)).toEqual([]);
    await until(() => tg.sentMessages(USER).length > dmBeforeLapse, 'the lapse message');
    expect(tg.userJoinsWithLink(USER, link)).not.toBe('joined');
    expect(tg.isMember(VIP_CHANNEL, USER)).toBe(false);

    // Pays again: active, a new personal link, and back in.
    const dmBeforeReturn = tg.sentMessages(USER).length;
    expect((await stripe.renewalSucceeds(subscriptionId)).status).toBe('active');
    await stripe.whenWebhooksDelivered();
    await until(() => mirrorStatus(w) === 'active', 'the mirror to be active again');
    const second = await until(() => linkInDm(w, dmBeforeReturn), 'a new invite link');
    expect(second).not.toBe(link);
    expect(tg.userJoinsWithLink(USER, second)).toBe('requested');
    await until(() => tg.isMember(VIP_CHANNEL, USER), 'the join request approved again');

    // The audit trail has each grant (the link, then the approval: recorded once Telegram answered it) and revoke.
    const accessActions = () => (w.service.db.$client.prepare('select action from audit_events order by rowid').all() as { action: string }[])
      .map((r) => r.action).filter((a) => a.startsWith('access.'));
    await until(() => accessActions().length >= 5, 'the approval in the audit trail');
    expect(accessActions()).toEqual(['access.granted', 'access.granted', 'access.revoked', 'access.granted', 'access.granted']);
  });

  it('sends an access message refused for flooding again after its retry_after (through the outbox), instead of losing it', async () => {
    const w = await startWorld();
    const { tg } = w;
    await say(w, '/start');
    tg.userSends(900, '/start', { profile: { firstName: 'Op' } });
    await until(() => tg.sentMessages(900).length > 0, 'the operator greeted');
    const before = tg.sentMessages(USER).length;
    // The next message to the user (the invite that comes with the grant) is refused once with retry_after 1.
    tg.failNext({ kind: 'rate_limit', retryAfterSeconds: 1 }, { method: 'sendMessage', match: (req) => (req.body as { chat_id?: unknown }).chat_id === USER });
    tg.userSends(900, '/grant @ada vip 30');

    const refused = () => tg.calls('sendMessage').filter((r) => r.status === 429);
    await until(() => refused().length > 0, 'the invite refused for flooding');
    // The emulator and the dispatcher keep time by the test's clock: let the retry_after pass there too.
    const link = await until(async () => {
      await w.clock.advance(1_000);
      return linkInDm(w, before);
    }, 'the invite link in the DM, sent again');
    expect(link).toMatch(/^https:\/\/t\.me\/\+/);
    const toUser = tg.calls('sendMessage').filter((r) => (r.body as { chat_id?: unknown }).chat_id === USER);
    expect(toUser.map((r) => r.status)).toEqual([200, 429, 200]);
    expect(refused()).toHaveLength(1);
  });
});
