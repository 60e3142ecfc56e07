import { describe, expect, it } from 'vitest';
import type { Signal, SignalUpdate } from '../../core/types';
import { renderReply, renderText } from './render';

const signal: Signal = {
  id: 'sig_1', publisherId: 'p1', symbol: 'BTC_USDT', market: 'crypto', side: 'long', conviction: 0.8234, band: 'A',
  reasons: ['Breakout <above> range', 'Funding & basis flipped'], entry: 100, stop: 95, targets: [110, 120], horizon: '3d',
  createdAt: new Date(0),
};

describe('renderText', () => {
  it('shows an alert with its levels, reasons and id, text kept as written', () => {
    expect(renderText({ kind: 'alert', signal })).toBe([
      'LONG BTC_USDT (crypto) · conviction 0.82 (band A)',
      'entry 100 · stop 95 · targets 110, 120',
      'horizon 3d',
      '- Breakout <above> range',
      '- Funding & basis flipped',
      '#sig_1',
    ].join('\n'));
  });

  it('says how late a delayed alert is', () => {
    expect(renderText({ kind: 'alert', signal: { ...signal, targets: undefined, entry: undefined, stop: undefined }, delayedMinutes: 15 })).toContain('(delayed 15 min)');
  });

  it('renders rationales, snapshots and notices with their links', () => {
    expect(renderText({ kind: 'rationale', signal, text: 'Momentum.' })).toBe('Why BTC_USDT: Momentum.\n#sig_1');
    expect(renderText({ kind: 'snapshot', title: 'Daily', text: '3 signals' })).toBe('Daily\n\n3 signals');
    expect(renderText({ kind: 'rationale', signal, text: 'Momentum.', disclaimer: 'Not advice.' })).toBe('Why BTC_USDT: Momentum.\nNot advice.\n#sig_1');
    expect(renderText({ kind: 'snapshot', title: 'Daily', text: '3 signals', disclaimer: 'Not advice.' })).toBe('Daily\n\n3 signals\n\nNot advice.');
    const update = { id: 'u1', signalId: 'sig_1', kind: 'closed' as const, resultPct: 3.2, createdAt: new Date(0) };
    expect(renderText({ kind: 'update', signal, update, updates: [update] })).toBe('BTC_USDT long: Closed (+3.20%)\n#sig_1');
    expect(renderText({ kind: 'notice', text: 'Pay here', buttons: [{ label: 'Checkout', url: 'http://127.0.0.1/pay' }] })).toBe('Pay here\nCheckout: http://127.0.0.1/pay');
  });

  it('renders a reply with its buttons, or without buttons writes links out and names the choices', () => {
    const reply = { text: 'Plans', buttons: [[{ label: 'Pay', url: 'http://127.0.0.1/pay' }], [{ label: 'VIP', data: 'plan:vip' }]] };
    expect(renderReply(reply, { buttons: true, maxLength: 4000 })).toEqual({ text: 'Plans', buttons: [[{ label: 'Pay', url: 'http://127.0.0.1/pay' }], [{ label: 'VIP', data: 'plan:vip' }]] });
    expect(renderReply(reply, { buttons: false, maxLength: 4000 })).toEqual({ text: 'Plans\nPay: http://127.0.0.1/pay\n- VIP' });
    expect(renderReply({ text: 'x'.repeat(10) }, { buttons: true, maxLength: 5 })).toEqual({ text: 'xxxx…' });
  });

  it('shows a quiet-hours digest as plain text: the headline, then a line per alert with its status', () => {
    const hit: SignalUpdate = { id: 'u1', signalId: 'sig_1', kind: 'target_hit', targetIndex: 2, price: 120, createdAt: new Date(0) };
    expect(renderText({ kind: 'digest', items: [{ signal, updates: [hit] }] })).toBe('While quiet hours were on: 1 alert\n- BTC_USDT long (A) at 100, stop 95: Target 2 hit at 120');
  });
});
