// Updates of alerts that went in a quiet-hours digest: threaded on the digest, marked so that no platform edits it into one alert.
import { describe, expect, it } from 'vitest';
import type { DueDelivery } from '../../core/delivery/ports';
import { parseSignalUpdateInput } from '../../core/signals/validate';
import { MORNING, quietNight } from './digest.fixtures';

describe('an update of an alert that went in a digest', () => {
  it('replies to the digest and says so (replyToDigest); an alert sent on its own is replied to and marked as before', () => {
    const w = quietNight();
    const digest = w.digestFor(0);
    expect(w.store.claim([digest.id], MORNING)).toEqual([digest.id]);
    w.store.recordResults([{ type: 'sent', id: digest.id, at: MORNING + 1, platformMessageId: '777' }]);
    // At subscriber 1, ETH's alert went on its own (its digest not sent yet).
    w.db.$client.prepare("UPDATE deliveries SET state = 'sent', platform_message_id = '555' WHERE kind = 'alert' AND content_ref = ? AND destination_ref = ?").run(w.eth.ref, w.ref(1));
    const hit = w.signals.insertUpdate({ signalId: w.eth.signal.id, update: parseSignalUpdateInput({ kind: 'target_hit', targetIndex: 1, price: 110 }), createdAt: MORNING + 60_000 });
    const ref = w.db.$client.prepare('SELECT ref FROM signal_updates WHERE id = ?').pluck().get(hit.id) as number;
    const updateFor = (i: number): DueDelivery => ({ ...digest, id: 900 + i, contentType: 'update', contentId: `update#${ref}`, kind: 'update', destinationId: w.seeded.destinationIds[i] as string });

    expect(w.resolver.resolve(updateFor(0), MORNING + 60_000)).toMatchObject({ kind: 'update', replyToMessageId: '777', replyToDigest: true });
    const own = w.resolver.resolve(updateFor(1), MORNING + 60_000);
    expect(own).toMatchObject({ kind: 'update', replyToMessageId: '555' });
    expect(own).not.toHaveProperty('replyToDigest');
  });
});
