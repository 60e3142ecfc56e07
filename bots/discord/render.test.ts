import { describe, expect, it } from 'vitest';
import type { Signal, SignalUpdate } from '../../core/types';
import { ALERT_COLOURS, DIGEST_COLOUR, LIMITS, alertWithStatus, renderMessage } from './render';

const signal = (fields: Partial<Signal> = {}): Signal => ({
  id: 'sig_1', publisherId: 'p1', symbol: 'BTC_USD', market: 'crypto', side: 'long', conviction: 0.82, band: 'A',
  reasons: ['Broke *above* the range', 'Volume __rising__'], createdAt: new Date(Date.UTC(2026, 0, 5)), entry: 100, targets: [110, 120], ...fields,
});

describe('Discord rendering', () => {
  it('puts an alert in one embed: side and symbol in the title, the reasons as its text, markdown escaped, mentions never parsed', () => {
    const body = renderMessage({ kind: 'alert', signal: signal() });
    const [embed] = body.embeds ?? [];
    expect(body.embeds).toHaveLength(1);
    expect(embed?.title).toBe('🟢 LONG BTC\\_USD · crypto');
    expect(embed?.description).toBe('• Broke \\*above\\* the range\n• Volume \\_\\_rising\\_\\_');
    expect(body.allowed_mentions).toEqual({ parse: [] });
  });

  it('gives conviction, entry, stop, targets, horizon and persona a field each, and only those the signal has', () => {
    const [full] = renderMessage({ kind: 'alert', signal: signal({ stop: 95, horizon: '1-3 days', persona: 'Swing_desk' }) }).embeds ?? [];
    expect(full?.fields).toEqual([
      { name: 'Conviction', value: '0.82 · band A', inline: true },
      { name: 'Entry', value: '100', inline: true },
      { name: 'Stop', value: '95', inline: true },
      { name: 'Targets', value: '110 · 120', inline: true },
      { name: 'Horizon', value: '1-3 days', inline: true },
      { name: 'Persona', value: 'Swing\\_desk', inline: true },
    ]);
    const [bare] = renderMessage({ kind: 'alert', signal: signal({ entry: undefined, targets: undefined }) }).embeds ?? [];
    expect(bare?.fields?.map((f) => f.name)).toEqual(['Conviction']);
  });

  it('colours an alert by side and band: green for long, red for short, grey for close, deeper for a stronger band', () => {
    const colour = (side: Signal['side'], band: Signal['band']) => renderMessage({ kind: 'alert', signal: signal({ side, band }) }).embeds?.[0]?.color;
    expect(colour('long', 'A')).toBe(ALERT_COLOURS.long.A);
    expect(colour('short', 'B')).toBe(ALERT_COLOURS.short.B);
    expect(colour('close', 'C')).toBe(ALERT_COLOURS.close.C);
    const all = (['long', 'short', 'close'] as const).flatMap((side) => (['A', 'B', 'C'] as const).map((band) => colour(side, band)));
    expect(new Set(all).size).toBe(9);
    // Deeper means darker: band A's colour is the darkest of its side.
    const lightness = (rgb: number) => (rgb >> 16) + ((rgb >> 8) & 0xff) + (rgb & 0xff);
    for (const side of ['long', 'short', 'close'] as const) {
      const [a, b, c] = (['A', 'B', 'C'] as const).map((band) => lightness(ALERT_COLOURS[side][band]));
      expect(a! < b! && b! < c!).toBe(true);
    }
  });

  it('ends an alert with its publication time (shown in the reader\'s time zone), never the signal\'s id, and says when it was held back', () => {
    const [now] = renderMessage({ kind: 'alert', signal: signal() }).embeds ?? [];
    expect(now?.timestamp).toBe('2026-01-05T00:00:00.000Z');
    expect(now?.footer).toEqual({ text: 'Published' });
    const [late] = renderMessage({ kind: 'alert', signal: signal(), delayedMinutes: 15 }).embeds ?? [];
    expect(late?.footer).toEqual({ text: 'Published, sent 15 min later' });
    expect(JSON.stringify([now, late])).not.toContain('sig_1');
  });

  it('marks an alert\'s status without dropping that it was sent late', () => {
    const stopped = [{ id: 'u1', signalId: 'sig_1', kind: 'stopped' as const, price: 95, createdAt: new Date(0) }];
    const [late] = alertWithStatus(signal(), stopped, 15).embeds ?? [];
    expect(late?.fields?.[0]).toEqual({ name: 'Status', value: 'Stopped at 95', inline: true });
    expect(late?.footer?.text).toBe('Published, sent 15 min later');
    expect(alertWithStatus(signal(), stopped).embeds?.[0]?.footer?.text).toBe('Published');
  });

  it('keeps an embed within Discord limits however long the publisher wrote', () => {
    const long = signal({ symbol: 'X'.repeat(400), market: 'm'.repeat(300), horizon: 'h'.repeat(2000), persona: 'p'.repeat(2000), targets: Array.from({ length: 400 }, (_, i) => 1000 + i), reasons: ['r'.repeat(5000), 's'.repeat(3000)] });
    const [embed] = renderMessage({ kind: 'alert', signal: long }).embeds ?? [];
    expect(embed?.title?.length).toBeLessThanOrEqual(LIMITS.title);
    expect(embed?.description?.length).toBeLessThanOrEqual(LIMITS.description);
    for (const f of embed?.fields ?? []) expect(f.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
    const size = (embed?.title?.length ?? 0) + (embed?.description?.length ?? 0) + (embed?.footer?.text.length ?? 0) + (embed?.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
    expect(size).toBeLessThanOrEqual(LIMITS.total);
    expect(embed?.description).toMatch(/^• r+…$/);
  });

  it('gives a notice its links as link buttons, five to a row', () => {
    const buttons = Array.from({ length: 7 }, (_, i) => ({ label: `Link ${i}`, url: `https://example.com/${i}` }));
    const body = renderMessage({ kind: 'notice', text: 'Renew', buttons });
    expect(body.components?.map((row) => ('components' in row ? row.components.length : 0))).toEqual([5, 2]);
  });

  it('sends a rationale as a reply to its alert, its plain text as the embed\'s description when it has no structure', () => {
    expect(renderMessage({ kind: 'rationale', signal: signal(), text: 'Why', replyToMessageId: '42' })).toMatchObject({
      embeds: [{ title: 'Why LONG BTC\\_USD', description: 'Why', fields: [] }], message_reference: { message_id: '42', fail_if_not_exists: false },
    });
  });

  it('keeps a huge rationale and snapshot within every embed limit, the disclaimer kept whole in the footer', () => {
    const huge = renderMessage({
      kind: 'rationale', signal: signal(), text: 'x', disclaimer: 'Not advice.',
      rationale: { summary: 's'.repeat(9000), drivers: Array.from({ length: 12 }, () => 'd'.repeat(300)), risks: Array.from({ length: 12 }, () => 'r'.repeat(300)) },
    });
    const snapshot = renderMessage({ kind: 'snapshot', title: 't'.repeat(400), text: 'z'.repeat(9000), disclaimer: 'Not advice.', chart: { png: new Uint8Array([1]), width: 1, height: 1, alt: 'a'.repeat(2000) } });
    for (const embed of [huge.embeds![0]!, snapshot.embeds![0]!]) {
      expect(embed.title!.length).toBeLessThanOrEqual(LIMITS.title);
      expect(embed.description!.length).toBeLessThanOrEqual(LIMITS.description);
      for (const f of embed.fields ?? []) expect(f.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
      const size = embed.title!.length + embed.description!.length + embed.footer!.text.length + (embed.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
      expect(size).toBeLessThanOrEqual(LIMITS.total);
      expect(embed.footer).toEqual({ text: 'Not advice.' });
    }
    expect(snapshot.embeds![0]!.image).toEqual({ url: 'attachment://chart.png' });
    expect((snapshot.attachments![0] as { description: string }).description.length).toBeLessThanOrEqual(1024);
  });

  it('puts a quiet-hours digest in one embed: the headline as its title, a line per alert with its status, markdown escaped', () => {
    const hit: SignalUpdate = { id: 'u1', signalId: 'sig_2', kind: 'target_hit', targetIndex: 1, price: 110, createdAt: new Date(0) };
    const body = renderMessage({ kind: 'digest', items: [{ signal: signal(), updates: [] }, { signal: signal({ id: 'sig_2', symbol: 'ETHUSDT', side: 'short' }), updates: [hit] }] });
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.content).toBeUndefined();
    expect(body.embeds).toEqual([{
      title: 'While quiet hours were on: 2 alerts',
      description: '• BTC\\_USD long (A) at 100: Open\n• ETHUSDT short (A) at 100: Target 1 hit at 110',
      color: DIGEST_COLOUR,
    }]);
  });

  it('keeps a digest of many alerts within the embed\'s 4,096 characters, counting the rest in "… and N more"', () => {
    const items = Array.from({ length: 300 }, (_, i) => ({ signal: signal({ symbol: `SYM_${i}_USDT` }), updates: [] }));
    const [embed] = renderMessage({ kind: 'digest', items }).embeds ?? [];
    const lines = embed!.description!.split('\n');
    expect(embed!.description!.length).toBeLessThanOrEqual(LIMITS.description);
    const shown = lines.filter((l) => l.startsWith('• ')).length;
    expect(shown).toBeGreaterThan(50);
    expect(lines.at(-1)).toBe(`*… and ${300 - shown} more*`);
    expect(embed!.title).toBe('While quiet hours were on: 300 alerts');
  });
});
