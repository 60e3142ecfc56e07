import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { ContentWithdrawnError } from '../../core/delivery/content';
import type { DueDelivery } from '../../core/delivery/ports';
import { parseSignalInput, parseSignalUpdateInput } from '../../core/signals/validate';
import type { OutboundMessage } from '../../core/types';
import { SqliteContentResolver } from './delivery-content';
import { SqliteDeliveryStore } from './delivery-store';
import { MORNING, NIGHT, quietWorld } from './digest.fixtures';
import { SqliteSignalStore } from './signal-store';

const HOUR = 3_600_000;

/** Two quiet Pro subscribers; BTC, ETH and SOL published at night, one an hour, each held for both until 07:00. */
function night() {
  const w = quietWorld(2);
  const signals = new SqliteSignalStore({ db: w.db, clock: new FakeClock(NIGHT) });
  const publish = (symbol: string, at: number) => {
    const stored = signals.insert({ input: parseSignalInput({ publisherId: `p-${symbol}`, symbol, market: 'crypto', side: 'long', conviction: 0.9, reasons: ['breakout'], entry: 100, stop: 95, targets: [110] }), band: 'A', publishedBy: 'cli', createdAt: at });
    w.publish(stored.ref, w.candidates, at);
    return stored;
  };
  const btc = publish('BTCUSDT', NIGHT);
  const eth = publish('ETHUSDT', NIGHT + HOUR);
  const sol = publish('SOLUSDT', NIGHT + 2 * HOUR);
  const store = new SqliteDeliveryStore({ db: w.db, clock: new FakeClock(MORNING) });
  const resolver = new SqliteContentResolver({ db: w.db });
  /** The digest rows due at 07:00, as the dispatcher finds them. */
  const due = () => store.findDue({ now: MORNING, platforms: ['testchat'], limit: 100 }).filter((d) => d.kind === 'digest');
  const digestFor = (i: number) => due().find((d) => d.destinationId === w.seeded.destinationIds[i]) as DueDelivery;
  return { ...w, signals, btc, eth, sol, store, resolver, due, digestFor };
}

const lines = (m: OutboundMessage) => (m.kind === 'digest' ? m.items.map((i) => [i.signal.symbol, i.updates.map((u) => u.kind)]) : m.kind);

describe('SqliteDigestContent', () => {
  it('builds the digest of the alerts held at that destination in that window, oldest first, each with its updates so far, protected as planned', () => {
    const w = night();
    w.signals.insertUpdate({ signalId: w.eth.signal.id, update: parseSignalUpdateInput({ kind: 'target_hit', targetIndex: 1, price: 110 }), createdAt: NIGHT + 3 * HOUR });

    expect(w.due().map((d) => d.contentId)).toEqual([`digest#${MORNING / 60_000}`, `digest#${MORNING / 60_000}`]);
    const message = w.resolver.resolve(w.digestFor(0), MORNING);

    expect(message).toMatchObject({ kind: 'digest', protectContent: true });
    expect(lines(message)).toEqual([['BTCUSDT', []], ['ETHUSDT', ['target_hit']], ['SOLUSDT', []]]);
    expect(message.kind === 'digest' && message.items[0]?.signal).toEqual(w.btc.signal);
  });

  it('includes an alert superseded while held (its stop shows), leaves out alerts of another window and those no longer held', () => {
    const w = night();
    const sqlite = w.db.$client;
    w.signals.insertUpdate({ signalId: w.sol.signal.id, update: parseSignalUpdateInput({ kind: 'stopped', price: 95 }), createdAt: NIGHT + 4 * HOUR });
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
