// HTML helpers for the sandbox console: escaping, safe links, small forms and the page frame.

import { escapeHtml } from '../base/html';

export { escapeHtml };

/** Only http(s) addresses become links: a `javascript:` URL in a message stays text. */
export function isWebUrl(url: string): boolean {
  return /^https?:\/\/[^\s<>"']+$/i.test(url);
}

/** A link that opens in a new tab (the checkout page, the portal, anything a message points at). */
export function externalLink(url: string, label: string = url): string {
  if (!isWebUrl(url)) return escapeHtml(label);
  return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(label)}</a>`;
}

/** A web address in running text. */
export const URL_IN_TEXT = /https?:\/\/[^\s<>"']+/g;

/** Plain text, escaped, with any web address in it made a link. */
export function linkify(text: string): string {
  let out = '';
  let at = 0;
  for (const m of text.matchAll(URL_IN_TEXT)) {
    const url = m[0].replace(/[.,;:!?)]+$/, '');
    out += escapeHtml(text.slice(at, m.index)) + externalLink(url);
    at = m.index + url.length;
  }
  return out + escapeHtml(text.slice(at));
}

/** Hidden inputs for each field. */
export function hiddenFields(fields: Record<string, string | number>): string {
  return Object.entries(fields).map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(String(value))}">`).join('');
}

/** A one-button form that POSTs `fields` to `action` (which already carries the page's query). */
export function buttonForm(action: string, label: string, fields: Record<string, string | number> = {}, className = ''): string {
  const cls = className ? ` class="${escapeHtml(className)}"` : '';
  return `<form method="post" action="${escapeHtml(action)}" class="inline">${hiddenFields(fields)}<button type="submit"${cls}>${escapeHtml(label)}</button></form>`;
}

/** A complete HTML document; `body` must already be escaped. The one script (auto-refresh) carries `nonce`. */
export function consolePage(options: { title: string; body: string; nonce: string; refreshMs?: number }): string {
  const refresh = options.refreshMs
    ? `<script nonce="${escapeHtml(options.nonce)}">
setInterval(() => {
  const typing = document.activeElement instanceof HTMLInputElement || [...document.querySelectorAll('input[name=text]')].some((i) => i.value);
  if (typing) return;
  const url = new URL(location.href); url.searchParams.delete('notice'); location.replace(url);
}, ${Math.max(500, Math.round(options.refreshMs))});
</script>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; color: #1f2933; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; margin-top: 1.5rem; } h3 { font-size: 1rem; }
section { border-top: 1px solid #d9e2ec; margin-top: 1rem; }
form.inline { display: inline; margin: 0 0.25rem 0 0; }
.chat { list-style: none; padding: 0; }
.chat li { margin: 0.4rem 0; padding: 0.5rem 0.75rem; border-radius: 8px; max-width: 80%; white-space: pre-wrap; overflow-wrap: anywhere; }
.chat li.bot { background: #f0f4f8; } .chat li.user { background: #d9f2e6; margin-left: auto; }
.meta { color: #627d98; font-size: 0.8rem; }
.keyboard { margin-top: 0.4rem; white-space: normal; }
.notice { background: #fff3c4; padding: 0.5rem 0.75rem; border-radius: 4px; }
.error { background: #ffe3e3; padding: 0.5rem 0.75rem; border-radius: 4px; }
code, pre { background: #f0f4f8; padding: 0.1rem 0.3rem; border-radius: 3px; overflow-x: auto; }
pre { padding: 0.5rem; white-space: pre-wrap; }
.embed { border-left: 4px solid #95a5a6; background: #f8fafc; padding: 0.4rem 0.6rem; margin-top: 0.3rem; border-radius: 4px; }
.embed dl { display: flex; flex-wrap: wrap; gap: 0.2rem 1rem; margin: 0.3rem 0; } .embed dt { font-weight: 600; font-size: 0.85rem; } .embed dd { margin: 0; }
.embed .field { min-width: 6rem; }
</style>
</head>
<body>
${options.body}
${refresh}
</body>
</html>`;
}

/** The Content-Security-Policy of every console page: only the nonce'd script runs, forms post here. */
export function contentSecurityPolicy(nonce: string): string {
  return `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;
}
