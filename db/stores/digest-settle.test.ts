// The trigger of migration 0013: a digest's result settles the alerts it held at its destination, atomically with it, and nothing else.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import type { DeliveryResult } from '../../core/delivery/ports';
import { SqliteDeliveryStore } from './delivery-store';
import { MORNING, NIGHT, NIGHT_DAY, quietAccount, quietWorld } from './digest.fixtures';

interface Row { id: number; kind: string; content_ref: number; destination_ref: number; state: string; platform_message_id: string | null; sent_at: number | null;
  last_error: string | null; skip_reason: string | null; cap_day: string | null; due_at: number }

/** Three subscribers, two signals held for the morning; subscriber 0's digest claimed, as the dispatcher claims it. */
function world() {
  const w = quietWorld(3);
  const free = w.candidates.map((c, i) => (i === 0 ? { ...c, account: quietAccount(w.seeded.accountIds[0] as string, 'free') } : c));
  w.publish(1, free);
  w.publish(2, free, NIGHT + 60_000);
  const clock = new FakeClock(MORNING);
  const store = new SqliteDeliveryStore({ db: w.db, clock });
  const all = () => w.db.$client.prepare('SELECT id, kind, content_ref, destination_ref, state, platform_message_id, sent_at, last_error, skip_reason, cap_day, due_at FROM deliveries ORDER BY id').all() as Row[];
  const digestOf = (i: number) => all().find((r) => r.kind === 'digest' && r.destination_ref === w.ref(i)) as Row;
  const claimDigest = (i: number) => expect(store.claim([digestOf(i).id], MORNING)).toEqual([digestOf(i).id]);
  return { ...w, store, all, digestOf, claimDigest };
}

const others = (rows: Row[], destinationRef: number) => rows.filter((r) => r.destination_ref !== destinationRef);

describe('a digest settles the alerts it held', () => {
  it('sent: its held alerts are sent with the digest\'s message id and send time, still counted toward the cap; other destinations\' rows are untouched', () => {
    const w = world();
    w.claimDigest(0);
    const before = w.all();

    w.store.recordResults([{ type: 'sent', id: w.digestOf(0).id, at: MORNING + 500, platformMessageId: 'msg-77' }]);

    const after = w.all();
    expect(after.filter((r) => r.destination_ref === w.ref(0)).map((r) => [r.kind, r.content_ref, r.state, r.platform_message_id, r.sent_at, r.cap_day])).toEqual([
      ['digest', Math.floor(MORNING / 60_000), 'sent', 'msg-77', MORNING + 500, null],
      ['alert', 1, 'sent', 'msg-77', MORNING + 500, NIGHT_DAY],
      ['alert', 2, 'sent', 'msg-77', MORNING + 500, NIGHT_DAY],
    ]);
    expect(others(after, w.ref(0))).toEqual(others(before, w.ref(0)));
    expect(others(after, w.ref(0)).filter((r) => r.kind === 'alert').every((r) => r.state === 'held')).toBe(true);
  });

  it('dead: its held alerts are dead with the same error; skipped: skipped with the same reason and no longer counted', () => {
    const w = world();
    w.claimDigest(0);
    w.claimDigest(1);
    const before = w.all();
    const results: DeliveryResult[] = [
      { type: 'skipped', id: w.digestOf(0).id, at: MORNING + 1, reason: 'nothing_held' },
      { type: 'dead', id: w.digestOf(1).id, at: MORNING + 2, attempts: 5, error: 'the chat is gone', errorCode: '400' },
    ];
    w.store.recordResults(results);

    const after = w.all();
    const alertsAt = (i: number) => after.filter((r) => r.kind === 'alert' && r.destination_ref === w.ref(i)).map((r) => [r.state, r.skip_reason, r.last_error, r.cap_day, r.platform_message_id]);
    expect(alertsAt(0)).toEqual([['skipped', 'nothing_held', null, null, null], ['skipped', 'nothing_held', null, null, null]]);
    expect(alertsAt(1)).toEqual([['dead', null, 'the chat is gone', null, null], ['dead', null, 'the chat is gone', null, null]]);
    expect(after.filter((r) => r.destination_ref === w.ref(2))).toEqual(before.filter((r) => r.destination_ref === w.ref(2)));
  });

  it.each([['the digest alone', 'digest'], ['everything dead (--all)', 'all']] as const)(
    'a dead digest retried (%s) holds its window\'s alerts again, and sent, it takes them with it', (_, which) => {
      const w = world();
      w.claimDigest(1);
      const digest = w.digestOf(1).id;
      w.store.recordResults([{ type: 'dead', id: digest, at: MORNING + 2, attempts: 5, error: 'the chat is gone', errorCode: '400' }]);
      const alertsAt = (i: number) => w.all().filter((r) => r.kind === 'alert' && r.destination_ref === w.ref(i)).map((r) => [r.state, r.platform_message_id]);
      const othersBefore = others(w.all(), w.ref(1));

      expect(w.store.retryDead(which === 'all' ? 'all' : [digest], MORNING + 60_000)).toEqual({ retried: 1, disabledDestination: 0, heldAgain: 2 });

      expect(w.digestOf(1).state).toBe('pending');
      expect(alertsAt(1)).toEqual([['held', null], ['held', null]]);
      expect(others(w.all(), w.ref(1))).toEqual(othersBefore);
      w.claimDigest(1);
      w.store.recordResults([{ type: 'sent', id: digest, at: MORNING + 60_500, platformMessageId: 'msg-9' }]);
      expect(alertsAt(1)).toEqual([['sent', 'msg-9'], ['sent', 'msg-9']]);
    });

  it('leaves alone the rows of another window, a pending alert of the same window and an alert no longer held', () => {
    const w = world();
    const sqlite = w.db.$client;
    // A later night's alert (another window) and one superseded while held, at the same destination.
    w.publish(3, w.candidates.slice(0, 1), NIGHT + 86_400_000);
    sqlite.prepare("UPDATE deliveries SET state = 'superseded', cap_day = NULL, cap_account_id = NULL WHERE kind = 'alert' AND content_ref = 2 AND destination_ref = ?").run(w.ref(0));
    w.claimDigest(0);
    // Planned while the digest is on its way: pending, as without a digest.
    w.publish(4, w.candidates.slice(0, 1), NIGHT + 120_000);

    w.store.recordResults([{ type: 'sent', id: w.digestOf(0).id, at: MORNING + 9, platformMessageId: 'msg-1' }]);

    const atZero = w.all().filter((r) => r.destination_ref === w.ref(0) && r.kind === 'alert').map((r) => [r.content_ref, r.state, r.platform_message_id]);
    expect(atZero).toEqual([[1, 'sent', 'msg-1'], [2, 'superseded', null], [3, 'held', null], [4, 'pending', null]]);
  });

  it('a destination disabled while alerts are held: its pending digest is skipped where the store skips pending rows, and the held alerts follow', () => {
    const w = world();
    // Another pending row at subscriber 1's destination is refused for good: the destination is disabled.
    const sqlite = w.db.$client;
    const destinationId = w.seeded.destinationIds[1] as string;
    sqlite.prepare(`INSERT INTO deliveries (content_type, content_ref, kind, destination_ref, priority, due_at, state, attempts, created_at, updated_at)
      VALUES ('notice', 1, 'notice', ?, 0, ?, 'pending', 0, ?, ?)`).run(w.ref(1), MORNING, MORNING, MORNING);
    const notice = sqlite.prepare("SELECT id FROM deliveries WHERE kind = 'notice'").pluck().get() as number;
    w.store.claim([notice], MORNING);
    w.store.recordResults([{ type: 'permanent', id: notice, at: MORNING + 3, attempts: 1, destinationId, platform: 'testchat', recipientKey: 'k', reason: 'blocked', error: 'blocked by the user', errorCode: '403' }]);

    const atOne = w.all().filter((r) => r.destination_ref === w.ref(1) && r.kind !== 'notice').map((r) => [r.kind, r.state, r.skip_reason]);
    expect(atOne).toEqual([['digest', 'skipped', 'destination_disabled'], ['alert', 'skipped', 'destination_disabled'], ['alert', 'skipped', 'destination_disabled']]);
    expect(w.all().filter((r) => r.destination_ref === w.ref(2) && r.kind === 'alert').every((r) => r.state === 'held')).toBe(true);
  });
});
