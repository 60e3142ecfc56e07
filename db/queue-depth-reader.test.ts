import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger';
import { openDatabase, type Db } from './client';
import { startQueueDepthReader, type QueueDepthReader } from './queue-depth-reader';
import { SqliteDeliveryStore } from './stores/delivery-store';
import { insertDelivery, insertSignal } from './stores/delivery-store.fixtures';
import { systemClock } from '../core/clock';
import { seedSubscribers } from './testing/seed';

describe('the queue depth reader (a worker thread with its own connection)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const f of cleanups.splice(0).reverse()) await f();
  });

  function fileDb(): { db: Db; path: string; destinations: string[] } {
    const dir = mkdtempSync(join(tmpdir(), 'signalcast-depth-'));
    const path = join(dir, 'x.db');
    const db = openDatabase(`file:${path}`);
    cleanups.push(() => {
      if (db.$client.open) db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const { destinationIds } = seedSubscribers(db, { count: 3, planId: 'pro', platform: 'testchat' });
    return { db, path, destinations: destinationIds };
  }

  function reader(path: string, maxAgeMs: number): QueueDepthReader {
    const r = startQueueDepthReader({ path, logger: silentLogger, maxAgeMs });
    cleanups.push(() => r.stop());
    return r;
  }

  const sorted = <T extends { platform: string; state: string }>(rows: T[]) => [...rows].sort((a, b) => `${a.platform}${a.state}`.localeCompare(`${b.platform}${b.state}`));

  it('counts what the service committed, by platform and state, as the store counts it', async () => {
    const { db, path, destinations } = fileDb();
    const signal = insertSignal(db);
    insertDelivery(db, { destinationId: destinations[0]!, contentId: signal, dueAt: 1 });
    insertDelivery(db, { destinationId: destinations[1]!, contentId: signal, dueAt: 1 });
    insertDelivery(db, { destinationId: destinations[2]!, contentId: signal, dueAt: 1, state: 'expired' });
    const counted = await reader(path, 0).read();
    expect(sorted(counted)).toEqual([
      { platform: 'testchat', state: 'expired', count: 1 },
      { platform: 'testchat', state: 'pending', count: 2 },
    ]);
    expect(sorted(counted)).toEqual(sorted(new SqliteDeliveryStore({ db, clock: systemClock }).countByPlatformAndState()));
  });

  it('answers a count younger than its maximum age again, and counts anew once it is older', async () => {
    const { db, path, destinations } = fileDb();
    const signal = insertSignal(db);
    insertDelivery(db, { destinationId: destinations[0]!, contentId: signal, dueAt: 1 });
    const cached = reader(path, 60_000);
    expect(await cached.read()).toEqual([{ platform: 'testchat', state: 'pending', count: 1 }]);
    insertDelivery(db, { destinationId: destinations[1]!, contentId: signal, dueAt: 1 });
    expect(await cached.read()).toEqual([{ platform: 'testchat', state: 'pending', count: 1 }]);
    expect(await reader(path, 0).read()).toEqual([{ platform: 'testchat', state: 'pending', count: 2 }]);
  });

  it('answers the last count once stopped, without a worker', async () => {
    const { db, path, destinations } = fileDb();
    insertDelivery(db, { destinationId: destinations[0]!, contentId: insertSignal(db), dueAt: 1 });
    const r = reader(path, 0);
    const first = await r.read();
    await r.stop();
    expect(await r.read()).toEqual(first);
  });
});
