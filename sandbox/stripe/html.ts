// Small HTML helpers for the hosted pages: escaping and a shared page frame.

import { escapeHtml } from '../base/html';

export { escapeHtml };

export function formatMoney(cents: number, currency: string): string {
  const amount = (cents / 100).toFixed(2);
  return currency.toLowerCase() === 'usd' ? `$${amount}` : `${amount} ${currency.toUpperCase()}`;
}

export function formatDate(sec: number): string {
  return new Date(sec * 1000).toISOString().slice(0, 10);
}

/** A complete HTML document; `body` must already be escaped. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 3rem auto; padding: 0 1rem; color: #1a1f36; }
label { display: block; margin: 0.75rem 0 0.25rem; font-size: 0.9rem; }
input { width: 100%; padding: 0.5rem; box-sizing: border-box; }
button { margin-top: 1rem; padding: 0.6rem 1rem; width: 100%; background: #635bff; color: white; border: 0; border-radius: 4px; }
.error { color: #df1b41; margin: 1rem 0; }
.muted { color: #697386; font-size: 0.85rem; }
</style>
</head>
<body>
${body}
<p class="muted">Signalcast Stripe emulator: test mode, no real payment.</p>
</body>
</html>`;
}

export function htmlResponse(html: string, status = 200): { status: number; headers: Record<string, string>; body: string } {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: html };
}
