import { describe, expect, it } from 'vitest';
import type { Signal, SignalUpdate } from '../../core/types';
import { LIMITS, renderAlertWithStatus, renderMessage, renderSnapshotUpload } from './render';

const signal = (fields: Partial<Signal> = {}): Signal => ({
  id: 's1', publisherId: 'p1', symbol: 'BTCUSDT', market: 'crypto', side: 'long', conviction: 0.83, band: 'A', reasons: ['Breakout above range'],
  entry: 42000, stop: 41000, targets: [43000, 44500], horizon: '1-3 days', persona: 'Swing', createdAt: new Date(Date.UTC(2026, 0, 5)), ...fields,
});

type AnyBlock = { type: string; text?: { type: string; text: string }; fields?: { text: string }[]; elements?: { text?: { text: string } | string; type: string }[] };

/** Every Block Kit limit the emulator and Slack check. */
function expectWithinLimits(body: ReturnType<typeof renderMessage>): void {
  expect(body.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
  expect(body.text.length).toBeLessThanOrEqual(LIMITS.text);
  for (const block of body.blocks as AnyBlock[]) {
    if (block.type === 'header') expect(block.text!.text.length).toBeLessThanOrEqual(LIMITS.header);
    if (block.type === 'section') {
      if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
      expect((block.fields ?? []).length).toBeLessThanOrEqual(LIMITS.fields);
      for (const f of block.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(LIMITS.fieldText);
    }
    if (block.type === 'context') {
      expect(block.elements!.length).toBeLessThanOrEqual(LIMITS.contextElements);
      for (const e of block.elements!) expect(String(e.text).length).toBeLessThanOrEqual(LIMITS.contextText);
    }
    if (block.type === 'actions') {
      expect(block.elements!.length).toBeLessThanOrEqual(LIMITS.actions);
      for (const e of block.elements!) expect((e.text as { text: string }).text.length).toBeLessThanOrEqual(LIMITS.buttonLabel);
    }
  }
}

describe('renderMessage (Slack)', () => {
  it('renders an alert as a header with side and symbol, fields, the reasons as context and a fallback text, without unfurling', () => {
    const body = renderMessage({ kind: 'alert', signal: signal() });
    const [header, section, context] = body.blocks as AnyBlock[];
    expect(header).toMatchObject({ type: 'header', text: { type: 'plain_text', text: '🟢 LONG BTCUSDT · crypto' } });
    expect(section!.fields!.map((f) => f.text)).toEqual(['Entry: 42000', 'Stop: 41000', 'Targets: 43000 · 44500', 'Conviction: 0.83', 'Band: A', 'Horizon: 1-3 days', 'Persona: Swing']);
    expect(context).toMatchObject({ type: 'context', elements: [{ type: 'plain_text', text: '• Breakout above range' }] });
    expect(body.text).toBe('LONG BTCUSDT at 42000 (band A): Breakout above range');
    expect(body).toMatchObject({ unfurl_links: false, unfurl_media: false });
    expect(body.thread_ts).toBeUndefined();
  });

  it('escapes &, < and > in the fallback text, so publisher text cannot notify a channel', () => {
    const body = renderMessage({ kind: 'alert', signal: signal({ symbol: 'X<&>', reasons: ['<!channel> now'] }) });
    expect(body.text).toBe('LONG X&lt;&amp;&gt; at 42000 (band A): &lt;!channel&gt; now');
    expect((body.blocks[0] as AnyBlock).text!.text).toContain('X<&>');
  });

  it('keeps an oversized alert within every Block Kit limit', () => {
    const huge = 'y'.repeat(10_000);
    const body = renderMessage({ kind: 'alert', signal: signal({ symbol: huge, market: huge, horizon: huge, persona: huge, reasons: Array.from({ length: 40 }, () => huge), targets: Array.from({ length: 500 }, (_, i) => i) }), delayedMinutes: 5 });
    expectWithinLimits(body);
    expect((body.blocks[0] as AnyBlock).text!.text.endsWith('…')).toBe(true);
  });

  it('puts a rationale in its alert\'s thread, a long one split into sections within the limits', () => {
    const body = renderMessage({ kind: 'rationale', signal: signal(), text: 'why '.repeat(60_000), replyToMessageId: '1700000000.000100' });
    expect(body.thread_ts).toBe('1700000000.000100');
    expect(body.blocks.length).toBe(LIMITS.blocks);
    expectWithinLimits(body);
  });

  it('renders a notice with its links as buttons, at most 25, and a snapshot as text only', () => {
    const buttons = Array.from({ length: 30 }, (_, i) => ({ label: `Renew ${'x'.repeat(100)} ${i}`, url: `https://pay.example/${i}` }));
    const notice = renderMessage({ kind: 'notice', text: 'Your access ends soon', buttons });
    const actions = notice.blocks.at(-1) as AnyBlock;
    expect(actions.type).toBe('actions');
    expect(actions.elements).toHaveLength(25);
    expect(actions.elements![0]).toMatchObject({ type: 'button', url: 'https://pay.example/0' });
    expectWithinLimits(notice);
    const snapshot = renderMessage({ kind: 'snapshot', title: 'BTC 4h', text: 'Chart summary', chart: { png: new Uint8Array([1]), width: 1, height: 1, alt: 'chart' } });
    expect(snapshot.blocks.map((b) => b.type)).toEqual(['header', 'section']);
    expect(snapshot.text).toBe('BTC 4h\nChart summary');
  });

  it('keeps a huge structured rationale, its alert\'s status and a snapshot\'s upload within every Block Kit limit, the disclaimer last', () => {
    const huge = 'w'.repeat(20_000);
    const rationale = renderMessage({
      kind: 'rationale', signal: signal(), text: huge, disclaimer: 'd'.repeat(5_000), replyToMessageId: '1.2',
      rationale: { summary: huge, drivers: Array.from({ length: 40 }, () => 'x'.repeat(500)), risks: Array.from({ length: 40 }, () => 'y'.repeat(500)) },
    });
    expectWithinLimits(rationale);
    expect(rationale.blocks.at(-1)!.type).toBe('context');
    const status = renderAlertWithStatus(signal(), [{ id: 'u', signalId: 's1', kind: 'stopped', price: 41000, createdAt: new Date(0) }]);
    expectWithinLimits(status);
    expect((status.blocks[1] as AnyBlock).fields![0]!.text).toBe('Status: Stopped at 41000');
    // A late alert keeps saying so once its status is marked.
    const late = renderAlertWithStatus(signal(), [{ id: 'u', signalId: 's1', kind: 'stopped', price: 41000, createdAt: new Date(0) }], 15);
    expect(late.blocks.at(-1)).toMatchObject({ type: 'context', elements: [{ text: 'Sent 15 min after publication' }] });
    expect(status.blocks.at(-1)).not.toMatchObject({ elements: [{ text: expect.stringContaining('min after publication') }] });
    const upload = renderSnapshotUpload({ kind: 'snapshot', title: 't'.repeat(500), text: huge.repeat(10), disclaimer: 'Not advice.', chart: { png: new Uint8Array([1]), width: 1, height: 1, alt: 'a'.repeat(3_000) } });
    expectWithinLimits({ text: '', blocks: upload.blocks, unfurl_links: false, unfurl_media: false });
    expect(upload.altText.length).toBeLessThanOrEqual(1_000);
    expect(upload.blocks.at(-1)).toMatchObject({ type: 'context', elements: [{ text: 'Not advice.' }] });
  });

  it('renders a quiet-hours digest as a header and a section per alert with its status, with the plain list as the fallback text', () => {
    const closed: SignalUpdate = { id: 'u1', signalId: 's2', kind: 'closed', resultPct: 2.5, createdAt: new Date(0) };
    const body = renderMessage({ kind: 'digest', items: [{ signal: signal(), updates: [] }, { signal: signal({ id: 's2', symbol: 'ETH<USDT>' }), updates: [closed] }] });
    expectWithinLimits(body);
    expect((body.blocks as AnyBlock[]).map((b) => [b.type, b.text?.text])).toEqual([
      ['header', 'While quiet hours were on: 2 alerts'],
      ['section', 'BTCUSDT long (A) at 42000, stop 41000: Open'],
      ['section', 'ETH<USDT> long (A) at 42000, stop 41000: Closed (+2.50%)'],
    ]);
    expect(body.text).toBe('While quiet hours were on: 2 alerts\n- BTCUSDT long (A) at 42000, stop 41000: Open\n- ETH&lt;USDT&gt; long (A) at 42000, stop 41000: Closed (+2.50%)');
  });

  it('keeps a digest of many alerts within 50 blocks, counting the rest in a closing "… and N more"', () => {
    const items = Array.from({ length: 120 }, (_, i) => ({ signal: signal({ symbol: `SYM${i}USDT` }), updates: [] }));
    const body = renderMessage({ kind: 'digest', items });
    expectWithinLimits(body);
    const blocks = body.blocks as AnyBlock[];
    expect(blocks).toHaveLength(LIMITS.blocks);
    expect(blocks.filter((b) => b.type === 'section')).toHaveLength(48);
    expect(blocks.at(-1)).toEqual({ type: 'context', elements: [{ type: 'plain_text', text: '… and 72 more', emoji: true }] });
    // 49 alerts fit exactly: a header and 49 sections, nothing cut.
    expect(renderMessage({ kind: 'digest', items: items.slice(0, 49) }).blocks.filter((b) => b.type === 'section')).toHaveLength(49);
  });
});
