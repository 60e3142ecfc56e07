// A Telegram message as console HTML: its text with links made clickable, its inline keyboard, and the invite links in it.
import type { InlineKeyboardButton, Message, MessageEntity } from 'grammy/types';
import { externalLink, linkify, URL_IN_TEXT } from './html';

const INVITE_LINK = /^https:\/\/t\.me\/\+[A-Za-z0-9_-]+$/;

export function messageText(message: Message): string {
  return ('text' in message ? message.text : undefined) ?? ('caption' in message ? message.caption : undefined) ?? '';
}

function entitiesOf(message: Message): MessageEntity[] {
  return ('entities' in message ? message.entities : undefined) ?? ('caption_entities' in message ? message.caption_entities : undefined) ?? [];
}

/** The message's text as HTML: escaped, with its link entities (text_link, url) and bare addresses clickable. */
export function messageHtml(message: Message): string {
  const text = messageText(message);
  const links = entitiesOf(message)
    .filter((e) => e.type === 'text_link' || e.type === 'url')
    .sort((a, b) => a.offset - b.offset);
  let out = '';
  let at = 0;
  for (const e of links) {
    if (e.offset < at) continue; // overlapping entities: the first one wins
    const label = text.slice(e.offset, e.offset + e.length);
    const url = e.type === 'text_link' ? e.url : label;
    out += linkify(text.slice(at, e.offset)) + externalLink(url, label);
    at = e.offset + e.length;
  }
  return out + linkify(text.slice(at));
}

/** " · protected" for a message sent with protect_content (it cannot be forwarded or saved), else nothing. */
export function protectedNote(message: Message): string {
  return message.has_protected_content ? ' · protected' : '';
}

export function keyboardOf(message: Message): InlineKeyboardButton[][] {
  return message.reply_markup?.inline_keyboard ?? [];
}

export function isInviteLink(url: string): boolean {
  return INVITE_LINK.test(url);
}

/** Every t.me/+ invite link in the message: in its text, its link entities and its URL buttons. */
export function inviteLinksIn(message: Message): string[] {
  const text = messageText(message);
  const found = [
    ...[...text.matchAll(URL_IN_TEXT)].map((m) => m[0].replace(/[.,;:!?)]+$/, '')),
    ...entitiesOf(message).flatMap((e) => (e.type === 'text_link' ? [e.url] : [])),
    ...keyboardOf(message).flat().flatMap((b) => ('url' in b && b.url ? [b.url] : [])),
  ];
  return [...new Set(found.filter(isInviteLink))];
}
