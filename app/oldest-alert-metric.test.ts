// /metrics tells how long the oldest due alert has waited on each platform, read from the outbox at scrape time.
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { FakeClock } from '../core/clock';
import { silentLogger } from '../core/logger';
import { openMemoryDatabase } from '../db/client';
import { insertDelivery, insertSignal } from '../db/stores/delivery-store.fixtures';
import { seedSubscribers } from '../db/testing/seed';
import { createService, type Service } from './service';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

describe('the oldest pending alert in /metrics', () => {
  let service: Service | undefined;
  afterEach(async () => {
    await service?.stop();
    service = undefined;
  });

  it('gives each platform the age of its oldest due, pending, unexpired alert, 0 when it has none, as the clock moves', async () => {
    // Testchat is configured (its adapter contacts nothing until start); Telegram is not.
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', INGEST_SIGNING_SECRET: 's'.repeat(32), LOG_LEVEL: 'silent', TESTCHAT_URL: 'http://127.0.0.1:9', TESTCHAT_TOKEN: 't'.repeat(16) });
    const db = openMemoryDatabase();
    const clock = new FakeClock(T0);
    service = createService({ config, logger: silentLogger, db, clock });
    const gauge = async () => (await service!.app.inject('/metrics')).body.split('\n').filter((l) => l.startsWith('signalcast_oldest_pending_alert_seconds{'));
    expect(await gauge()).toEqual(['signalcast_oldest_pending_alert_seconds{platform="testchat"} 0']);

    const signalId = insertSignal(db, { createdAt: T0 - 3_600_000 });
    const testchat = seedSubscribers(db, { count: 5, now: T0 });
    const telegram = seedSubscribers(db, { count: 1, now: T0, platform: 'telegram' });
    const [a, b, c, d, e] = testchat.destinationIds as [string, string, string, string, string];
    const waiting = insertDelivery(db, { destinationId: a, contentId: signalId, dueAt: T0 - 90_000, expiresAt: T0 + 600_000 });
    // Older, but not what the gauge is about: expired (not swept yet), not an alert, already sent, not due yet.
    insertDelivery(db, { destinationId: b, contentId: signalId, dueAt: T0 - 300_000, expiresAt: T0 - 1 });
    insertDelivery(db, { destinationId: c, contentId: signalId, kind: 'rationale', priority: 1, dueAt: T0 - 600_000 });
    insertDelivery(db, { destinationId: d, contentId: signalId, dueAt: T0 - 1_000_000, state: 'sent' });
    insertDelivery(db, { destinationId: e, contentId: signalId, dueAt: T0 + 60_000 });
    insertDelivery(db, { destinationId: telegram.destinationIds[0]!, contentId: signalId, priority: 10, dueAt: T0 - 30_000 });
    expect(await gauge()).toEqual([
      'signalcast_oldest_pending_alert_seconds{platform="testchat"} 90',
      'signalcast_oldest_pending_alert_seconds{platform="telegram"} 30',
    ]);

    await clock.advance(10_000);
    expect(await gauge()).toEqual([
      'signalcast_oldest_pending_alert_seconds{platform="testchat"} 100',
      'signalcast_oldest_pending_alert_seconds{platform="telegram"} 40',
    ]);
    db.$client.prepare("UPDATE deliveries SET state = 'sent' WHERE id = ?").run(waiting);
    // The testchat alert left comes due only at T0 + 60 s: none is due now.
    expect(await gauge()).toEqual([
      'signalcast_oldest_pending_alert_seconds{platform="testchat"} 0',
      'signalcast_oldest_pending_alert_seconds{platform="telegram"} 40',
    ]);
    await clock.advance(60_000);
    expect(await gauge()).toContain('signalcast_oldest_pending_alert_seconds{platform="testchat"} 10');
  });
});
