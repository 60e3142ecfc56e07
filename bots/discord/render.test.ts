import { describe, expect, it } from 'vitest';
import type { Signal } from '../../core/types';
import { LIMITS, renderMessage } from './render';

const signal = (fields: Partial<Signal> = {}): Signal => ({
  id: 'sig_1', publisherId: 'p1', symbol: 'BTC_USD', market: 'crypto', side: 'long', conviction: 0.82, band: 'A',
  reasons: ['Broke *above* the range', 'Volume __rising__'], createdAt: new Date(Date.UTC(2026, 0, 5)), entry: 100, targets: [110, 120], ...fields,
});

describe('Discord rendering', () => {
  it('puts an alert in one embed with its side, symbol, reasons and levels, markdown escaped, mentions never parsed', () => {
    const body = renderMessage({ kind: 'alert', signal: signal() });
    const [embed] = body.embeds ?? [];
    expect(embed?.title).toBe('LONG BTC\\_USD · crypto');
    expect(embed?.description).toBe('• Broke \\*above\\* the range\n• Volume \\_\\_rising\\_\\_');
    expect(embed?.fields).toEqual(expect.arrayContaining([{ name: 'Entry', value: '100', inline: true }, { name: 'Targets', value: '110 · 120', inline: true }]));
    expect(body.allowed_mentions).toEqual({ parse: [] });
  });

  it('keeps an embed within Discord limits however long the publisher wrote', () => {
    const [embed] = renderMessage({ kind: 'alert', signal: signal({ symbol: 'X'.repeat(400), reasons: ['r'.repeat(5000)] }) }).embeds ?? [];
    expect(embed?.title?.length).toBeLessThanOrEqual(LIMITS.title);
    expect(embed?.description?.length).toBeLessThanOrEqual(LIMITS.description);
  });

  it('gives a notice its links as link buttons, five to a row', () => {
    const buttons = Array.from({ length: 7 }, (_, i) => ({ label: `Link ${i}`, url: `https://example.com/${i}` }));
    const body = renderMessage({ kind: 'notice', text: 'Renew', buttons });
    expect(body.components?.map((row) => ('components' in row ? row.components.length : 0))).toEqual([5, 2]);
  });

  it('sends a rationale as a reply to its alert', () => {
    expect(renderMessage({ kind: 'rationale', signal: signal(), text: 'Why', replyToMessageId: '42' })).toMatchObject({ content: 'Why', message_reference: { message_id: '42' } });
  });
});
