// The small pages Stripe sends people back to after Checkout or the portal; the success page asks Stripe what really happened.
import type { FastifyInstance } from 'fastify';
import type Stripe from 'stripe';
import type { Logger } from '../core/logger';
import { isResourceMissing } from './errors';

export const BILLING_PAGES = {
  success: '/billing/success',
  cancel: '/billing/cancel',
  portalReturn: '/billing/return',
} as const;

/** What the success page needs to check a session; without `stripe` it cannot, and says so. */
export interface BillingPagesDeps {
  stripe?: Stripe | undefined;
  logger?: Logger | undefined;
}

const SESSION_ID = /^cs_(?:test|live)_[A-Za-z0-9]{1,250}$/;

function page(title: string, text: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5}</style></head>
<body><h1>${title}</h1><p>${text}</p></body></html>`;
}

const FIXED: Record<string, string> = {
  [BILLING_PAGES.cancel]: page('Checkout canceled', 'Nothing was charged. Return to the chat to pick a plan again whenever you like.'),
  [BILLING_PAGES.portalReturn]: page('All set', 'Your billing details are saved. Return to the chat.'),
};

const SUCCESS = {
  paid: page('Payment received', 'Payment received, return to the chat. Your access starts in a moment.'),
  free: page('You are subscribed', 'Nothing was charged today. Return to the chat: your access starts in a moment.'),
  unknown: page('Payment not found', 'We could not find this checkout. Nothing is confirmed here: return to the chat and send /subscribe for a new payment link.'),
  unfinished: page('Payment not finished', 'This checkout has not been paid. Return to the chat and send /subscribe to try again.'),
  unchecked: page('Payment not confirmed yet', 'We could not check this payment just now. Return to the chat: your access starts once the payment is confirmed.'),
};

const trialPage = (end: number | null): string => {
  const until = end ? ` until ${new Date(end * 1000).toISOString().slice(0, 10)}` : '';
  return page('Your trial has started', `Nothing was charged today: your free trial runs${until}. Return to the chat: your access starts in a moment.`);
};

/** The page for `?session_id=`: checked with Stripe, never taken on trust. Echoes nothing from the request. */
async function successPage(deps: BillingPagesDeps, sessionId: unknown): Promise<{ status: number; html: string }> {
  if (typeof sessionId !== 'string' || !SESSION_ID.test(sessionId)) return { status: 404, html: SUCCESS.unknown };
  if (!deps.stripe) return { status: 503, html: SUCCESS.unchecked };
  try {
    const session = await deps.stripe.checkout.sessions.retrieve(sessionId, { expand: ['subscription'] });
    if (session.status !== 'complete') return { status: 200, html: SUCCESS.unfinished };
    if (session.payment_status === 'paid') return { status: 200, html: SUCCESS.paid };
    if (session.payment_status !== 'no_payment_required') return { status: 200, html: SUCCESS.unfinished };
    const sub = typeof session.subscription === 'object' ? session.subscription : null;
    if (sub?.status === 'trialing') return { status: 200, html: trialPage(sub.trial_end) };
    return { status: 200, html: SUCCESS.free };
  } catch (err) {
    if (isResourceMissing(err)) return { status: 404, html: SUCCESS.unknown };
    deps.logger?.warn({ err: (err as Error).message }, 'checking a checkout session for the success page failed');
    return { status: 503, html: SUCCESS.unchecked };
  }
}

/** GET /billing/success (checked with Stripe), /billing/cancel and /billing/return (fixed pages). */
export function registerBillingPages(app: FastifyInstance, deps: BillingPagesDeps = {}): void {
  for (const [path, html] of Object.entries(FIXED)) {
    app.get(path, async (_request, reply) => reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html));
  }
  app.get(BILLING_PAGES.success, async (request, reply) => {
    const { status, html } = await successPage(deps, (request.query as Record<string, unknown> | undefined)?.session_id);
    return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
  });
}
