import { describe, expect, it } from 'vitest';
import type { Signal } from '../../core/types';
import { parseHtml } from '../../sandbox/telegram/html';
import { clip, escapeHtml, renderAlert, renderOutbound, toInlineKeyboard } from './render';

const signal: Signal = {
  id: 'sig_1', publisherId: 'p1', symbol: 'BTC_USD<&>', market: 'crypto & <co>', side: 'long', conviction: 0.8234, band: 'A',
  reasons: ['Breakout <b>above</b> range', 'Funding & basis > 0', '</i><a href="x">'], entry: 100, stop: 95, targets: [110, 120],
  horizon: '3d <soon>', persona: 'Quant & Co', createdAt: new Date(0),
};

describe('Telegram rendering', () => {
  it('escapes &, < and > and nothing else', () => {
    expect(escapeHtml('a & b < c > d "e" \'f\'')).toBe('a &amp; b &lt; c &gt; d "e" \'f\'');
  });

  it('renders an alert whose publisher text shows exactly as written once Telegram parses the HTML', () => {
    const { html, plain } = renderAlert(signal);
    expect(html).toContain('<b>LONG BTC_USD&lt;&amp;&gt;</b>');
    const parsed = parseHtml(html);
    expect(parsed.text).toBe(plain);
    expect(plain.split('\n')).toEqual([
      '🟢 LONG BTC_USD<&> · crypto & <co>',
      'Conviction 0.82 · band A',
      'Entry 100 · Stop 95 · Targets 110, 120',
      'Horizon 3d <soon> · by Quant & Co',
      '• Breakout <b>above</b> range',
      '• Funding & basis > 0',
      '• </i><a href="x">',
      'sig_1',
    ]);
    expect(parsed.entities.map((e) => e.type)).toEqual(['bold', 'code']);
  });

  it('says how late a delayed alert is', () => {
    expect(renderAlert(signal, 15).plain).toContain('Sent 15 min after publication');
  });

  it('renders rationales as replies, snapshots with images as captions within 1,024 characters, and notices with link buttons', () => {
    expect(renderOutbound({ kind: 'rationale', signal, text: 'Because <reasons>', replyToMessageId: '12' })).toMatchObject({
      html: '<b>Why long BTC_USD&lt;&amp;&gt;</b>\nBecause &lt;reasons&gt;', replyTo: 12,
    });
    const snapshot = renderOutbound({ kind: 'snapshot', title: 'Daily', text: 'x'.repeat(5000), chart: { png: new Uint8Array([1]), width: 1, height: 1, alt: 'chart' } });
    expect(snapshot.plain.length).toBeLessThanOrEqual(1024);
    expect(snapshot.photo).toEqual(new Uint8Array([1]));
    expect(renderOutbound({ kind: 'snapshot', title: 'Daily', text: 'y'.repeat(5000) }).plain.length).toBeLessThanOrEqual(4096);
    const notice = renderOutbound({ kind: 'notice', text: 'Pay <now>', buttons: [{ label: 'Checkout', url: 'http://127.0.0.1/pay' }] });
    expect(notice).toMatchObject({ html: 'Pay &lt;now&gt;', keyboard: { inline_keyboard: [[{ text: 'Checkout', url: 'http://127.0.0.1/pay' }]] } });
  });

  it('turns reply buttons into url and callback_data buttons', () => {
    expect(toInlineKeyboard([[{ label: 'Pay', url: 'https://x.test/1' }, { label: 'A only', data: 'set:band:A' }], []])).toEqual({
      inline_keyboard: [[{ text: 'Pay', url: 'https://x.test/1' }, { text: 'A only', callback_data: 'set:band:A' }]],
    });
    expect(toInlineKeyboard(undefined)).toBeUndefined();
    expect(clip('abcdef', 4)).toBe('abc…');
  });
});
