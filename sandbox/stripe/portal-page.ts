// The billing portal page a portal session's url opens: the customer's subscriptions, with buttons
// to cancel at period end or to keep the plan, and the way back to return_url.
import type { EmulatorServer } from '../base/emulator';
import type { StripeDrivers } from './drivers';
import { escapeHtml, formatDate, htmlResponse, page } from './html';
import { setCancelAtPeriodEnd, periodEnd } from './lifecycle';
import type { PortalRecord } from './store';
import type { StripeWorld } from './world';

function render(world: StripeWorld, portal: PortalRecord): string {
  const customer = portal.session.customer;
  const subs = [...world.store.subscriptions.values()].filter((r) => r.sub.customer === customer && !['canceled', 'incomplete_expired'].includes(r.sub.status));
  const rows = subs
    .map((r) => {
      const sub = r.sub;
      const price = sub.items.data[0]?.price;
      const product = price ? world.store.products.get(price.product as string) : undefined;
      const ends = formatDate(periodEnd(sub));
      const state = sub.cancel_at_period_end ? `Cancels on ${ends}` : `Renews on ${ends}`;
      const action = sub.cancel_at_period_end ? 'renew' : 'cancel';
      const label = sub.cancel_at_period_end ? 'Renew plan' : 'Cancel plan';
      return `<section data-subscription="${escapeHtml(sub.id)}">
<h2>${escapeHtml(product?.name ?? sub.id)}</h2>
<p>Status: ${escapeHtml(sub.status)}. ${escapeHtml(state)}.</p>
<form method="post" action="/p/session/${escapeHtml(portal.token)}/subscriptions/${escapeHtml(sub.id)}/${action}"><button type="submit">${label}</button></form>
</section>`;
    })
    .join('\n');
  const back = portal.session.return_url ? `<p><a href="${escapeHtml(portal.session.return_url)}">Return</a></p>` : '';
  return page('Billing', `<h1>Your subscriptions</h1>\n${rows || '<p>No active subscriptions.</p>'}\n${back}`);
}

export function registerPortalPage(server: EmulatorServer, world: StripeWorld, drivers: StripeDrivers): void {
  server.route('GET', '/p/session/:token', (req) => {
    drivers.tick();
    const portal = world.store.portalSessions.get(req.params.token ?? '');
    if (!portal) return htmlResponse(page('Not found', '<h1>This link has expired</h1>'), 404);
    return htmlResponse(render(world, portal));
  });

  server.route('POST', '/p/session/:token/subscriptions/:sub/:action', (req) => {
    const portal = world.store.portalSessions.get(req.params.token ?? '');
    const rec = world.store.subscriptions.get(req.params.sub ?? '');
    if (!portal || !rec || rec.sub.customer !== portal.session.customer || !['cancel', 'renew'].includes(req.params.action ?? '')) {
      return htmlResponse(page('Not found', '<h1>This link has expired</h1>'), 404);
    }
    drivers.tick();
    world.run(() => setCancelAtPeriodEnd(world, rec, req.params.action === 'cancel'));
    return { status: 303, headers: { location: `/p/session/${portal.token}` }, body: '' };
  });
}
