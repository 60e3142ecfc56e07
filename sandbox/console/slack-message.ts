// A Slack message as console HTML: mrkdwn (links, channel and user mentions, bold) made readable,
// Block Kit (header, section with fields, context, actions, divider) as cards, buttons as forms or links.
import type { EphemeralMessage, SlackMessage } from '../slack';
import { buttonForm, escapeHtml, externalLink, isWebUrl } from './html';
import { shortTime } from './discord-message';

type Obj = Record<string, unknown>;

/** Where a button click goes: the console's `click` action with the message's ts (or none: shown only). */
export interface SlackButtonUse {
  actionUrl: (action: string) => string;
  /** The fields that name the message the button is on; undefined: not clickable here. */
  target?: Record<string, string>;
}

/** mrkdwn as a person reads it: `<url|label>` links, `<#C1|name>` and `<@U1>` mentions, `*bold*`; the rest escaped. */
export function mrkdwnHtml(text: string, names: (userId: string) => string | undefined = () => undefined): string {
  let out = '';
  let at = 0;
  for (const m of text.matchAll(/<([^<>]+)>/g)) {
    out += plain(text.slice(at, m.index));
    at = m.index + m[0].length;
    const [target = '', label] = m[1]!.split('|');
    if (target.startsWith('#')) out += `<strong>#${escapeHtml(label ?? target.slice(1))}</strong>`;
    else if (target.startsWith('@')) out += `<strong>@${escapeHtml(label ?? names(target.slice(1)) ?? target.slice(1))}</strong>`;
    else if (target.startsWith('!')) out += `<strong>@${escapeHtml(label ?? target.slice(1))}</strong>`;
    else if (isWebUrl(target)) out += externalLink(target, `${label ?? target}${label ? ' ↗' : ''}`);
    else out += escapeHtml(m[0]);
  }
  return out + plain(text.slice(at));
}

/** Slack's escapes (&amp; &lt; &gt;) undone, then escaped for HTML, with *bold* shown bold. */
function plain(text: string): string {
  const raw = text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return escapeHtml(raw).replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;!?])/g, '$1<strong>$2</strong>');
}

function textHtml(t: unknown, names: (id: string) => string | undefined): string {
  if (typeof t !== 'object' || t === null) return '';
  const { type, text } = t as Obj;
  if (typeof text !== 'string') return '';
  return type === 'mrkdwn' ? mrkdwnHtml(text, names) : escapeHtml(text);
}

function buttonHtml(el: Obj, use: SlackButtonUse): string {
  const label = typeof (el.text as Obj | undefined)?.text === 'string' ? ((el.text as Obj).text as string) : '';
  if (typeof el.url === 'string') return `<span class="link-button">${externalLink(el.url, `${label} ↗`)}</span>`;
  if (use.target && typeof el.action_id === 'string') return buttonForm(use.actionUrl('click'), label, { ...use.target, action_id: el.action_id });
  return `<button type="button" disabled title="not clickable from the console">${escapeHtml(label)}</button>`;
}

function blockHtml(block: Obj, use: SlackButtonUse, names: (id: string) => string | undefined): string {
  switch (block.type) {
    case 'header':
      return `<div><strong>${textHtml(block.text, names)}</strong></div>`;
    case 'section': {
      const fields = Array.isArray(block.fields) ? `<dl>${(block.fields as unknown[]).map((f) => `<div class="field"><dd>${textHtml(f, names)}</dd></div>`).join('')}</dl>` : '';
      const accessory = block.accessory && (block.accessory as Obj).type === 'button' ? ` ${buttonHtml(block.accessory as Obj, use)}` : '';
      return `<div>${textHtml(block.text, names)}${accessory}</div>${fields}`;
    }
    case 'context':
      return `<div class="meta">${((block.elements as unknown[] | undefined) ?? []).map((e) => textHtml(e, names)).join(' · ')}</div>`;
    case 'actions':
      return `<div class="keyboard">${((block.elements as Obj[] | undefined) ?? []).filter((e) => e.type === 'button').map((e) => buttonHtml(e, use)).join(' ')}</div>`;
    case 'divider':
      return '<hr>';
    default:
      return '';
  }
}

/** A message's body: its blocks as cards, or its text when it has none. */
export function slackBodyHtml(message: Pick<SlackMessage, 'text' | 'blocks'>, use: SlackButtonUse, names: (id: string) => string | undefined = () => undefined): string {
  if (!message.blocks?.length) return `<div>${mrkdwnHtml(message.text, names)}</div>`;
  return `<div class="embed">${(message.blocks as Obj[]).map((b) => blockHtml(b, use, names)).join('')}</div>`;
}

/** Slack's ts (seconds.micro) as the time it was posted. */
export function tsTime(ts: string): string {
  return shortTime(Math.floor(Number(ts) * 1000));
}

/** One message in a list: who, when, whether only you see it, and whether it was edited. */
export function slackMessageHtml(message: SlackMessage | EphemeralMessage, sender: string, use: SlackButtonUse, names?: (id: string) => string | undefined): string {
  const notes = [...('deleted' in message ? ['only you can see this'] : []), ...(message.edits.length ? ['edited'] : [])];
  const meta = `<span class="meta">${escapeHtml(sender)} · ${escapeHtml(tsTime(message.ts))}${notes.map((n) => ` · ${n}`).join('')}</span>`;
  return `<li class="bot">${meta}${slackBodyHtml(message, use, names)}</li>`;
}
