// The small pages Stripe sends people back to after Checkout or the portal: "return to the chat".
import type { FastifyInstance } from 'fastify';

export const BILLING_PAGES = {
  success: '/billing/success',
  cancel: '/billing/cancel',
  portalReturn: '/billing/return',
} as const;

function page(title: string, text: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5}</style></head>
<body><h1>${title}</h1><p>${text}</p></body></html>`;
}

const PAGES: Record<string, string> = {
  [BILLING_PAGES.success]: page('Payment received', 'Payment received, return to the chat. Your access starts in a moment.'),
  [BILLING_PAGES.cancel]: page('Checkout canceled', 'Nothing was charged. Return to the chat to pick a plan again whenever you like.'),
  [BILLING_PAGES.portalReturn]: page('All set', 'Your billing details are saved. Return to the chat.'),
};

/** GET /billing/success, /billing/cancel and /billing/return: fixed pages that echo nothing from the request. */
export function registerBillingPages(app: FastifyInstance): void {
  for (const [path, html] of Object.entries(PAGES)) {
    app.get(path, async (_request, reply) => reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html));
  }
}
