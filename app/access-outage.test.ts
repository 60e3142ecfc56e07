// Telegram failing access calls: every Stripe webhook is answered at once during an outage and the invite follows; a used link Telegram would not revoke is withdrawn by the access job.
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { approvedText } from '../core/access/messages';
import { until } from '../core/testing/until';
import { startServiceWorld, WORLD_OPERATOR, type ServiceWorld } from './testing/service-world';

const USER = 4242;
const OPERATOR = WORLD_OPERATOR;
const VIP_CHANNEL = -1001000000001;
/** Stripe counts an answer slower than this as a failed delivery (it waits longer; this test asks for 1 s). */
const WEBHOOK_TIMEOUT_MS = 1_000;
/** The job runner's first wait after a failure (its default). */
const FIRST_RETRY_MS = 5_000;


type World = ServiceWorld;

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

async function startWorld(): Promise<World> {
  // A platform call that hangs counts as failed after 2 s (real time), so the test need not wait out the default 30 s.
  const w = await startServiceWorld(running, {
    signingSecret: 'outage-signing-secret-value', webhookTimeoutMs: WEBHOOK_TIMEOUT_MS, settings: { SHUTDOWN_TIMEOUT_MS: '3000' }, accessJobs: { jobTimeoutMs: 2_000 },
  });
  // Whatever happens in the test, the outage ends before the service stops.
  running.push(async () => {
    w.tg.server.clearFaults();
    await w.tg.server.resume();
  });
  return w;
}

const texts = (messages: Message[]) => messages.map((m) => ('text' in m ? m.text : m.caption) ?? '');

function linkInDm(w: World, after: number): string | undefined {
  return texts(w.tg.sentMessages(USER).slice(after)).map((t) => /https:\/\/t\.me\/\+\S+/.exec(t)?.[0]).find(Boolean);
}

/** The user's checkout link, from /start and /subscribe vip while Telegram still works. */
async function checkoutLink(w: World): Promise<string> {
  w.tg.userSends(USER, '/start', { profile: { firstName: 'Ada', username: 'ada' } });
  await until(() => w.tg.sentMessages(USER).length > 0, 'the greeting');
  const before = w.tg.sentMessages(USER).length;
  w.tg.userSends(USER, '/subscribe vip');
  const offer = await until(() => w.tg.sentMessages(USER).length > before && w.tg.sentMessages(USER).slice(before), 'the checkout button');
  const button = offer.flatMap((m) => m.reply_markup?.inline_keyboard.flat() ?? []).find((b) => 'url' in b);
  return button && 'url' in button ? button.url : '';
}

async function pay(checkoutUrl: string): Promise<void> {
  const page = await fetch(checkoutUrl);
  const action = /<form method="post" action="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const body = new URLSearchParams({ email: 'ada@example.com', card_number: '4242 4242 4242 4242', card_expiry: '12 / 34', card_cvc: '123', name: 'Ada' });
  const paid = await fetch(new URL(action, checkoutUrl), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString(), redirect: 'manual' });
  expect(paid.status).toBe(303);
}

function job(w: World): { state: string; attempts: number; due_at: number; last_error: string | null } {
  return w.service.db.$client.prepare('select state, attempts, due_at, last_error from access_jobs order by rowid desc limit 1').get() as never;
}

describe('a Telegram outage while a payment arrives', () => {
  it('answers every Stripe webhook within 1 s while Telegram refuses connections and then hangs, and sends the invite once Telegram answers again', async () => {
    const w = await startWorld();
    const checkout = await checkoutLink(w);
    const dmBefore = w.tg.sentMessages(USER).length;

    // Telegram refuses connections while the payment's webhooks arrive.
    await w.tg.server.pause();
    await pay(checkout);
    await w.stripe.whenWebhooksDelivered();
    const mirrored = w.service.db.$client.prepare("select status from subscriptions where source = 'stripe'").get() as { status: string } | undefined;
    expect(mirrored?.status).toBe('active');
    // The access job was committed with the change, tried once against the refused connection, and waits to retry.
    await until(() => job(w).attempts >= 1 && job(w).state === 'pending', 'the access job to fail once and wait');
    expect(job(w).last_error).toMatch(/network error calling Telegram/);

    // Telegram comes back but hangs every call; a renewal's webhooks arrive meanwhile.
    await w.tg.server.resume();
    w.tg.server.failNext({ kind: 'hang' }, { count: 10_000 });
    const subscriptionId = [...w.stripe.store.subscriptions.keys()][0] ?? '';
    expect((await w.stripe.renewalSucceeds(subscriptionId)).status).toBe('active');
    await w.stripe.whenWebhooksDelivered();
    // The account's job runs into the hang and gives up at its deadline, so the runner is free again.
    await until(async () => {
      if (/timed out/.test(job(w).last_error ?? '') && job(w).state === 'pending') return true;
      await w.clock.advance(Math.max(0, job(w).due_at - w.clock.now()));
      return false;
    }, 'a try to time out on the hanging Telegram');

    // Every webhook of the payment and the renewal was answered 2xx within the timeout (Stripe's emulator would have recorded a failure).
    const attempts = w.stripe.webhooks.attempts;
    expect(attempts.length).toBeGreaterThanOrEqual(4);
    expect(attempts.filter((a) => a.status !== 200)).toEqual([]);
    expect(linkInDm(w, dmBefore)).toBeUndefined();

    // Telegram answers again: within the job's retry interval the invite arrives through the outbox.
    w.tg.server.clearFaults();
    const interval = job(w).due_at - w.clock.now();
    expect(interval).toBeGreaterThan(0);
    expect(interval).toBeLessThanOrEqual(2 * FIRST_RETRY_MS);
    await w.clock.advance(interval);
    const link = await until(() => linkInDm(w, dmBefore), 'the invite link in the DM');
    expect(w.tg.inviteLinks(VIP_CHANNEL).find((l) => l.invite_link === link)).toMatchObject({ creates_join_request: true, is_revoked: false });
    expect(job(w).state).toBe('done');
    expect(w.tg.userJoinsWithLink(USER, link)).toBe('requested');
    await until(() => w.tg.isMember(VIP_CHANNEL, USER), 'the join request approved');
  });
});

describe('/grant', () => {
  /** The operator sends a command; the bot's answer to it. */
  async function operatorSays(w: World, text: string): Promise<string> {
    const before = w.tg.sentMessages(OPERATOR).length;
    w.tg.userSends(OPERATOR, text);
    const [answer] = await until(() => w.tg.sentMessages(OPERATOR).length > before && w.tg.sentMessages(OPERATOR).slice(before), `an answer to ${text}`);
    return texts([answer!])[0] ?? '';
  }

  it('says the invite link is on its way when the access job went through, and that access will follow when Telegram refused it', async () => {
    const w = await startWorld();
    w.tg.userSends(USER, '/start', { profile: { firstName: 'Ada', username: 'ada' } });
    w.tg.userSends(OPERATOR, '/start', { profile: { firstName: 'Op' } });
    await until(() => w.tg.sentMessages(USER).length > 0 && w.tg.sentMessages(OPERATOR).length > 0, 'both greeted');

    const granted = await operatorSays(w, '/grant @ada vip 30');
    expect(granted).toMatch(/^Granted VIP to @ada until .+\. The invite link is on its way to them\.$/);
    await until(() => linkInDm(w, 0), 'the invite link in the DM');

    // Another subscriber, and Telegram refuses to make their link: the grant stands, access follows.
    w.tg.userSends(5151, '/start', { profile: { firstName: 'Bo', username: 'bo' } });
    await until(() => w.tg.sentMessages(5151).length > 0, 'Bo greeted');
    w.tg.failNext({ kind: 'platform_error', status: 400, description: 'Bad Request: not enough rights to manage chat invite links' }, { method: 'createChatInviteLink' });
    const queued = await operatorSays(w, '/grant @bo vip 30');
    expect(queued).toMatch(/^Granted VIP to @bo until .+\. Access will follow: the change is queued and retried until the platform answers \(last try: .*not an administrator of the chat.*\) \(job ajb_\w+\)\.$/);
  });
});

describe('a used invite link Telegram would not revoke', () => {
  it('is withdrawn by the account\'s access job while the member stays in', async () => {
    const w = await startWorld();
    w.tg.userSends(USER, '/start', { profile: { firstName: 'Ada', username: 'ada' } });
    w.tg.userSends(OPERATOR, '/start', { profile: { firstName: 'Op' } });
    await until(() => w.tg.sentMessages(USER).length > 0 && w.tg.sentMessages(OPERATOR).length > 0, 'both greeted');
    w.tg.userSends(OPERATOR, '/grant @ada vip 30');
    const link = await until(() => linkInDm(w, 0), 'the invite link in the DM');
    const told = w.tg.sentMessages(USER).length;

    // The join is approved; retiring the used link is refused (a 500 grammy itself retries, so a refusal it does not),
    // so the event handler queues the account's access job, and the running service's job withdraws the link.
    w.tg.failNext({ kind: 'platform_error', status: 400, description: 'Bad Request: not enough rights to manage chat invite links' }, { method: 'revokeChatInviteLink' });
    expect(w.tg.userJoinsWithLink(USER, link)).toBe('requested');
    await until(() => w.tg.isMember(VIP_CHANNEL, USER), 'the join request approved');
    const retried = () => w.service.db.$client.prepare("select state, outcome from access_jobs where trigger = 'link_revoke_failed'").all() as { state: string; outcome: string | null }[];
    await until(() => retried()[0]?.state === 'done', 'the retrying job done');
    expect(retried()).toEqual([{ state: 'done', outcome: `used link withdrawn from telegram:${USER} telegram:chat:${VIP_CHANNEL}` }]);
    expect(w.tg.inviteLinks(VIP_CHANNEL).find((l) => l.invite_link === link)?.is_revoked).toBe(true);
    expect(w.tg.calls('revokeChatInviteLink')).toHaveLength(2);
    // Still in, and told nothing beyond the approval.
    expect(w.tg.isMember(VIP_CHANNEL, USER)).toBe(true);
    await until(() => w.tg.sentMessages(USER).length > told, 'the approval message');
    expect(texts(w.tg.sentMessages(USER).slice(told))).toEqual([approvedText()]);
  });
});
