// The hosted payment page at a Checkout Session's `url`: a real form (email, card) that POSTs back;
// 4242 4242 4242 4242 pays and redirects to success_url, 4000 0000 0000 0002 shows "Your card was declined".
import type { EmulatorResponse, EmulatorServer } from '../base/emulator';
import { discountAmount } from './billing';
import type { StripeDrivers } from './drivers';
import { decodeForm } from './form';
import { escapeHtml, formatMoney, htmlResponse, page } from './html';
import type { SessionRecord } from './store';
import type { StripeWorld } from './world';

function field(form: Record<string, unknown>, name: string): string | undefined {
  const value = form[name];
  return typeof value === 'string' ? value : undefined;
}

function renderForm(world: StripeWorld, rec: SessionRecord, values: { email?: string | undefined; error?: string | undefined }): string {
  const s = rec.session;
  const price = world.store.prices.get(rec.price);
  const product = price ? world.store.products.get(price.product as string) : undefined;
  const name = product?.name ?? price?.nickname ?? 'Subscription';
  const interval = price?.recurring?.interval ?? 'month';
  const amount = price ? formatMoney((price.unit_amount ?? 0) * rec.quantity, price.currency) : '';
  const trial = rec.trialDays !== null ? `<p>${rec.trialDays}-day free trial, then ${escapeHtml(amount)} / ${escapeHtml(interval)}.</p>` : `<p>${escapeHtml(amount)} / ${escapeHtml(interval)}</p>`;
  const dueToday = `${discountLines(world, rec)}<p>Due today: <strong>${escapeHtml(formatMoney(s.amount_total ?? 0, s.currency ?? 'usd'))}</strong></p>`;
  const fixedEmail = s.customer_email ?? (s.customer ? world.store.customers.get(s.customer as string)?.customer.email : null) ?? null;
  const email = fixedEmail
    ? `<label for="email">Email</label><input id="email" name="email" type="email" value="${escapeHtml(fixedEmail)}" readonly>`
    : `<label for="email">Email</label><input id="email" name="email" type="email" required value="${escapeHtml(values.email ?? '')}">`;
  const promo = s.allow_promotion_codes ? `<label for="promotion_code">Promotion code</label><input id="promotion_code" name="promotion_code" autocomplete="off">` : '';
  const error = values.error ? `<p class="error" role="alert">${escapeHtml(values.error)}</p>` : '';
  const cancel = s.cancel_url ? `<p><a href="${escapeHtml(s.cancel_url)}">Cancel and go back</a></p>` : '';
  return page(
    `Subscribe to ${name}`,
    `<h1>Subscribe to ${escapeHtml(name)}</h1>
${trial}
${dueToday}
${error}
<form method="post" action="/c/pay/${escapeHtml(s.id)}">
${email}
<label for="card_number">Card number</label><input id="card_number" name="card_number" inputmode="numeric" autocomplete="cc-number" placeholder="4242 4242 4242 4242" required>
<label for="card_expiry">Expiry (MM / YY)</label><input id="card_expiry" name="card_expiry" placeholder="12 / 34">
<label for="card_cvc">CVC</label><input id="card_cvc" name="card_cvc" placeholder="123">
<label for="name">Name on card</label><input id="name" name="name" autocomplete="cc-name">
${promo}
<button type="submit">${rec.trialDays !== null ? 'Start trial' : 'Subscribe'}</button>
</form>
${cancel}`,
  );
}

/** The discount the session carries, as Stripe's page shows it: the coupon's name and what it takes off, and the total. */
function discountLines(world: StripeWorld, rec: SessionRecord): string {
  const coupon = rec.discount ? world.store.coupons.get(rec.discount.coupon) : undefined;
  const price = world.store.prices.get(rec.price);
  if (!coupon || !price) return '';
  const currency = price.currency;
  const full = (price.unit_amount ?? 0) * rec.quantity;
  const off = discountAmount(coupon, full);
  const what = coupon.percent_off !== null ? `${coupon.percent_off}% off` : `${formatMoney(coupon.amount_off ?? 0, currency)} off`;
  const label = coupon.name && coupon.name !== what ? `${coupon.name} (${what})` : what;
  const when = coupon.duration === 'once' ? ' on the first payment' : coupon.duration === 'repeating' ? ` for ${coupon.duration_in_months ?? 1} months` : '';
  const first = rec.trialDays !== null ? 'First payment after the trial' : 'Total';
  return `<p class="discount">Discount: ${escapeHtml(label)}${escapeHtml(when)}: <strong>-${escapeHtml(formatMoney(off, currency))}</strong></p>
<p>${first}: <strong>${escapeHtml(formatMoney(full - off, currency))}</strong> <s>${escapeHtml(formatMoney(full, currency))}</s></p>`;
}

function renderClosed(rec: SessionRecord): string {
  const s = rec.session;
  if (s.status === 'complete') {
    const next = s.success_url ? `<p><a href="${escapeHtml(s.success_url.replaceAll('{CHECKOUT_SESSION_ID}', s.id))}">Continue</a></p>` : '';
    return page('Payment complete', `<h1>Thanks, you're subscribed</h1>${next}`);
  }
  return page('Session expired', `<h1>This checkout session has expired</h1><p>Ask for a new payment link.</p>`);
}

function notFound(): EmulatorResponse {
  return htmlResponse(page('Not found', '<h1>Something went wrong</h1><p>The page you were looking for could not be found.</p>'), 404);
}

export function registerCheckoutPage(server: EmulatorServer, world: StripeWorld, drivers: StripeDrivers): void {
  server.route('GET', '/c/pay/:id', (req) => {
    drivers.tick();
    const rec = world.store.sessions.get(req.params.id ?? '');
    if (!rec) return notFound();
    return htmlResponse(rec.session.status === 'open' ? renderForm(world, rec, {}) : renderClosed(rec));
  });

  server.route('POST', '/c/pay/:id', (req) => {
    const id = req.params.id ?? '';
    const form = decodeForm(req.rawBody.toString('utf8'));
    const result = drivers.completeCheckout(id, {
      card: field(form, 'card_number') ?? '',
      email: field(form, 'email'),
      name: field(form, 'name'),
      promotionCode: field(form, 'promotion_code') || undefined,
    });
    const rec = world.store.sessions.get(id);
    if (!rec) return notFound();
    if (result.ok) {
      return result.redirectTo ? { status: 303, headers: { location: result.redirectTo }, body: '' } : htmlResponse(renderClosed(rec));
    }
    if (rec.session.status !== 'open') return htmlResponse(renderClosed(rec));
    return htmlResponse(renderForm(world, rec, { email: field(form, 'email'), error: result.message }));
  });
}

