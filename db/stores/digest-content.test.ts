import { describe, expect, it } from 'vitest';
import { ContentWithdrawnError } from '../../core/delivery/content';
import { parseSignalInput, parseSignalUpdateInput } from '../../core/signals/validate';
import type { OutboundMessage } from '../../core/types';
import { MORNING, NIGHT, quietNight as night } from './digest.fixtures';


const lines = (m: OutboundMessage) => (m.kind === 'digest' ? m.items.map((i) => [i.signal.symbol, i.updates.map((u) => u.kind)]) : m.kind);

describe('SqliteDigestContent', () => {
  it('builds the digest of the alerts held at that destination in that window, oldest first, each with its updates so far, protected as planned', () => {
    const w = night();
    w.signals.insertUpdate({ signalId: w.eth.signal.id, update: parseSignalUpdateInput({ kind: 'target_hit', targetIndex: 1, price: 110 }), createdAt: NIGHT + 3 * 3_600_000 });

    expect(w.due().map((d) => d.contentId)).toEqual([`digest#${MORNING / 60_000}`, `digest#${MORNING / 60_000}`]);
    const message = w.resolver.resolve(w.digestFor(0), MORNING);

    expect(message).toMatchObject({ kind: 'digest', protectContent: true });
    expect(lines(message)).toEqual([['BTCUSDT', []], ['ETHUSDT', ['target_hit']], ['SOLUSDT', []]]);
    expect(message.kind === 'digest' && message.items[0]?.signal).toEqual(w.btc.signal);
  });

  it('includes an alert superseded while held (its stop shows), leaves out alerts of another window and those no longer held', () => {
    const w = night();
    const sqlite = w.db.$client;
    w.signals.insertUpdate({ signalId: w.sol.signal.id, update: parseSignalUpdateInput({ kind: 'stopped', price: 95 }), createdAt: NIGHT + 4 * 3_600_000 });
    // What the supersession helper does to a stopped signal's held alerts.
    sqlite.prepare("UPDATE deliveries SET state = 'superseded', cap_day = NULL, cap_account_id = NULL WHERE kind = 'alert' AND content_ref = ?").run(w.sol.ref);
    // BTC's alert at subscriber 0 already went another way (its row is no longer held); a signal of the next night waits for the next digest.
    sqlite.prepare("UPDATE deliveries SET state = 'sent' WHERE kind = 'alert' AND content_ref = ? AND destination_ref = ?").run(w.btc.ref, w.ref(0));
    const next = w.signals.insert({ input: parseSignalInput({ publisherId: 'p-next', symbol: 'XRPUSDT', market: 'crypto', side: 'short', conviction: 0.9, reasons: ['range top'] }), band: 'A', publishedBy: 'cli', createdAt: NIGHT + 86_400_000 });
    w.publish(next.ref, w.candidates, NIGHT + 86_400_000);

    const message = w.resolver.resolve(w.digestFor(0), MORNING);

    expect(lines(message)).toEqual([['ETHUSDT', []], ['SOLUSDT', ['stopped']]]);
    expect(lines(w.resolver.resolve(w.digestFor(1), MORNING))).toEqual([['BTCUSDT', []], ['ETHUSDT', []], ['SOLUSDT', ['stopped']]]);
  });

  it('reads a signal\'s updates again when it had more since the last digest built with it', () => {
    const w = night();
    expect(lines(w.resolver.resolve(w.digestFor(0), MORNING))).toEqual([['BTCUSDT', []], ['ETHUSDT', []], ['SOLUSDT', []]]);
    w.signals.insertUpdate({ signalId: w.btc.signal.id, update: parseSignalUpdateInput({ kind: 'closed', price: 104, resultPct: 4 }), createdAt: MORNING });
    expect(lines(w.resolver.resolve(w.digestFor(1), MORNING))).toEqual([['BTCUSDT', ['closed']], ['ETHUSDT', []], ['SOLUSDT', []]]);
  });

  it('withdraws a digest with nothing held and nothing superseded (nothing_held), and refuses a content id that names no window', () => {
    const w = night();
    w.db.$client.prepare("UPDATE deliveries SET state = 'sent' WHERE kind = 'alert' AND destination_ref = ?").run(w.ref(0));
    const digest = w.digestFor(0);

    expect(() => w.resolver.resolve(digest, MORNING)).toThrow(ContentWithdrawnError);
    expect(() => w.resolver.resolve(digest, MORNING)).toThrow(expect.objectContaining({ reason: 'nothing_held' }));
    expect(() => w.resolver.resolve({ ...digest, contentId: 'digest#soon' }, MORNING)).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});
