import { describe, expect, it } from 'vitest';
import type { Signal, SignalUpdate } from '../../core/types';
import { parseHtml } from '../../sandbox/telegram/html';
import { clip, escapeHtml, MAX_TEXT, renderAlert, renderOutbound, toInlineKeyboard } from './render';

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
    expect(renderOutbound({ kind: 'rationale', signal, text: 'x', replyToMessageId: 'not-a-telegram-id' }).replyTo).toBeUndefined();
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

  it('renders a structured rationale: the summary, Drivers and Risks as lists, the disclaimer in italics last', () => {
    const out = renderOutbound({
      kind: 'rationale', signal, text: 'plain', replyToMessageId: '7', disclaimer: 'Not financial advice.',
      rationale: { summary: 'Momentum <strong>', drivers: ['Volume & breadth', 'Funding'], risks: ['Macro data'] },
    });
    expect(out.plain.split('\n')).toEqual(['Why long BTC_USD<&>', 'Momentum <strong>', '', 'Drivers', '• Volume & breadth', '• Funding', '', 'Risks', '• Macro data', '', 'Not financial advice.']);
    const parsed = parseHtml(out.html);
    expect(parsed.text).toBe(out.plain);
    expect(parsed.entities.map((e) => e.type)).toEqual(['bold', 'bold', 'bold', 'italic']);
    expect(parsed.entities.at(-1)).toMatchObject({ offset: out.plain.length - 'Not financial advice.'.length, length: 'Not financial advice.'.length });
  });

  it('keeps a huge rationale within 4,096 characters, the disclaimer still last', () => {
    const out = renderOutbound({
      kind: 'rationale', signal, text: 'plain', disclaimer: 'Not advice.',
      rationale: { summary: 's'.repeat(9000), drivers: Array.from({ length: 30 }, () => 'd'.repeat(900)), risks: Array.from({ length: 30 }, () => 'r'.repeat(900)) },
    });
    expect(parseHtml(out.html).text.length).toBeLessThanOrEqual(4096);
    expect(out.plain.endsWith('\nNot advice.')).toBe(true);
  });

  it('renders an update with a word for its kind, the headline and the note, as a reply', () => {
    const update = { id: 'u1', signalId: 'sig_1', kind: 'stopped' as const, price: 95, resultPct: -5, note: 'Stop <hit>', createdAt: new Date(0) };
    const out = renderOutbound({ kind: 'update', signal, update, updates: [update], replyToMessageId: '12' });
    expect(out.plain).toBe('[STOPPED] BTC_USD<&> long\nStopped at 95 (-5.00%)\nStop <hit>');
    expect(out.replyTo).toBe(12);
    expect(parseHtml(out.html).text).toBe(out.plain);
  });

  it('puts a long snapshot\'s text in a follow-up: the photo with the title, then the text and disclaimer within 4,096', () => {
    const chart = { png: new Uint8Array([1]), width: 1, height: 1, alt: 'chart' };
    const short = renderOutbound({ kind: 'snapshot', title: 'Daily', text: 'Two signals', chart, disclaimer: 'Not advice.' });
    expect(short.plain).toBe('Daily\n\nTwo signals\n\nNot advice.');
    expect(short.followUp).toBeUndefined();
    const long = renderOutbound({ kind: 'snapshot', title: 'Daily', text: 'z'.repeat(6000), chart, disclaimer: 'Not advice.' });
    expect(long.plain).toBe('Daily');
    expect(long.followUp!.plain.length).toBeLessThanOrEqual(4096);
    expect(long.followUp!.plain.endsWith('\n\nNot advice.')).toBe(true);
    expect(parseHtml(long.followUp!.html).entities.map((e) => e.type)).toEqual(['bold', 'italic']);
  });

  it('renders a quiet-hours digest: the headline in bold, a line per alert with its status, publisher text escaped, protected as planned', () => {
    const stop: SignalUpdate = { id: 'u1', signalId: 'sig_2', kind: 'stopped', price: 95, createdAt: new Date(0) };
    const out = renderOutbound({ kind: 'digest', items: [{ signal, updates: [] }, { signal: { ...signal, id: 'sig_2', symbol: 'ETHUSDT', side: 'short', entry: undefined, stop: undefined }, updates: [stop] }], protectContent: true });
    expect(out.html.split('\n')[0]).toBe('<b>While quiet hours were on: 2 alerts</b>');
    expect(parseHtml(out.html).text).toBe(out.plain);
    expect(out.plain.split('\n')).toEqual(['While quiet hours were on: 2 alerts', '• BTC_USD<&> long (A) at 100, stop 95: Open', '• ETHUSDT short (A): Stopped at 95']);
    expect(out.protect).toBe(true);
  });

  it('keeps a digest of many alerts within 4,096 characters, counting the rest in "… and N more"', () => {
    const items = Array.from({ length: 300 }, (_, i) => ({ signal: { ...signal, symbol: `SYM${i}USDT` }, updates: [] }));
    const { html, plain } = renderOutbound({ kind: 'digest', items });
    const lines = plain.split('\n');
    expect(plain.length).toBeLessThanOrEqual(MAX_TEXT);
    expect(lines[0]).toBe('While quiet hours were on: 300 alerts');
    const shown = lines.filter((l) => l.startsWith('• ')).length;
    expect(shown).toBeGreaterThan(50);
    expect(lines.at(-1)).toBe(`… and ${300 - shown} more`);
    expect(html.endsWith(`<i>… and ${300 - shown} more</i>`)).toBe(true);
  });
});
