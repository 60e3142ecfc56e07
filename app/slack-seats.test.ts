// A workspace on a plan priced per seat, through the whole service on the Slack and Stripe emulators: the Checkout asks for one seat per person, Stripe charges price × seats, and alerts arrive once paid.
import { afterEach, describe, expect, it } from 'vitest';
import { SLACK_WORKSPACE_LICENCE } from '../bots/slack/plan-access';
import type { PlansConfig } from '../core/plans';
import { until } from '../core/testing/until';
import { alertsIn, installByOAuth, linkButtons, payAt, publishSignal, readable, signals } from './testing/slack-journey';
import { SLACK_WORLD_PLANS, startSlackServiceWorld } from './testing/slack-world';

const SECRET = 'slack-seats-signing-secret';

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

/** Enterprise licenses the workspace per seat. */
const PER_SEAT_PLANS: PlansConfig = {
  ...SLACK_WORLD_PLANS,
  plans: SLACK_WORLD_PLANS.plans.map((p) => (p.id === 'enterprise' ? { ...p, access: [{ ...SLACK_WORKSPACE_LICENCE, options: { seats: 'per-member' } }] } : p)),
};

/** The text of the buttons on a message. */
function buttonLabels(message: { blocks?: unknown[] | undefined }): string[] {
  return ((message.blocks ?? []) as { type?: string; elements?: { text?: { text?: string } }[] }[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => (b.elements ?? []).map((e) => e.text?.text ?? ''));
}

describe('a workspace on a plan priced per seat', () => {
  it('pays for each of its people (not bots, not a deactivated person, not Slackbot) at checkout, then gets alerts', async () => {
    const w = await startSlackServiceWorld(running, { signingSecret: SECRET, plans: PER_SEAT_PLANS });
    const { slack, ws, stripe } = w;
    const dana = ws.users.dana!;
    // dana, alex and sam, and nine more people: 12; another app's bot and a deactivated person are not seats.
    for (let i = 0; i < 9; i++) slack.addUser(ws.id, { name: `trader${i}` });
    slack.addUser(ws.id, { name: 'otherapp', isBot: true });
    slack.deactivateUser(ws.id, slack.addUser(ws.id, { name: 'left-in-may' }));
    expect((await installByOAuth(w, ws.id, dana)).status).toBe(200);

    const { answer } = await signals(w, dana, `subscribe <#${ws.channels.alerts}|alerts>`);
    expect(buttonLabels(answer)).toEqual(['Subscribe the workspace to Enterprise (12 seats)']);
    expect(slack.callsTo('users.list').map((c) => c.ok)).toEqual([true]);
    const [checkout] = linkButtons(answer).filter((u) => u.startsWith(`${stripe.url}/`));
    if (!checkout) throw new Error(`no checkout link in: ${readable(answer)}`);

    const [session] = [...stripe.store.sessions.values()];
    expect(stripe.store.sessions.size).toBe(1);
    expect(session!.quantity).toBe(12);
    expect(session!.session.amount_total).toBe(12 * 99_000);
    expect(session!.lineItems[0]).toMatchObject({ quantity: 12, amount_total: 12 * 99_000 });

    expect(await payAt(checkout)).toBe(303);
    await stripe.whenWebhooksDelivered();
    const [subscription] = [...stripe.store.subscriptions.values()];
    expect(subscription!.sub.items.data[0]).toMatchObject({ quantity: 12 });
    expect([...stripe.store.invoices.values()].map((i) => i.amount_paid)).toEqual([12 * 99_000]);

    expect((await publishSignal(w, SECRET, {
      publisherId: 'slack-seats-1', symbol: 'SOLUSDT', market: 'crypto', side: 'long', conviction: 0.9,
      entry: 150, stop: 140, targets: [165, 180], horizon: '1-3 days', reasons: ['Breakout on volume'],
    })).status).toBe(202);
    await until(() => alertsIn(w, ws.channels.alerts!, 'SOLUSDT').length === 1 || undefined, 'the SOLUSDT alert in #alerts');

    const status = await signals(w, ws.users.sam!, 'status');
    expect(readable(status.answer)).toContain('Priced per seat: 12 people in the workspace now.');
  });
});
