// Turning a Telegram message into console HTML: links from entities and bare addresses, escaping, invite links found anywhere.
import type { Message } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { inviteLinksIn, messageHtml } from './telegram-message';

function message(fields: Partial<Message.TextMessage>): Message {
  return { message_id: 1, date: 0, chat: { id: 1, type: 'private', first_name: 'Ada' }, text: '', ...fields } as Message;
}

describe('a Telegram message as console HTML', () => {
  it('makes a text_link entity a link on its own label, and escapes the rest', () => {
    const m = message({ text: 'Pay <here> now', entities: [{ type: 'text_link', offset: 4, length: 6, url: 'http://127.0.0.1:9/c/pay/cs_1?a=1&b=2' }] });
    expect(messageHtml(m)).toBe('Pay <a href="http://127.0.0.1:9/c/pay/cs_1?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">&lt;here&gt;</a> now');
  });

  it('links a bare address without the full stop after it', () => {
    expect(messageHtml(message({ text: 'Join: https://t.me/+AbC_1-2.' }))).toBe('Join: <a href="https://t.me/+AbC_1-2" target="_blank" rel="noopener noreferrer">https://t.me/+AbC_1-2</a>.');
  });

  it('leaves a javascript: text_link as text', () => {
    const m = message({ text: 'click', entities: [{ type: 'text_link', offset: 0, length: 5, url: 'javascript:alert(1)' }] });
    expect(messageHtml(m)).toBe('click');
  });

  it('finds invite links in the text, in link entities and in URL buttons, once each', () => {
    const m = message({
      text: 'one https://t.me/+One1 and two',
      entities: [{ type: 'text_link', offset: 27, length: 3, url: 'https://t.me/+Two2' }],
      reply_markup: { inline_keyboard: [[{ text: 'Join', url: 'https://t.me/+One1' }, { text: 'Pay', url: 'http://127.0.0.1:9/c/pay/x' }]] },
    });
    expect(inviteLinksIn(m)).toEqual(['https://t.me/+One1', 'https://t.me/+Two2']);
  });
});
