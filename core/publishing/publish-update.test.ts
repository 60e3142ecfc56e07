import { beforeEach, describe, expect, it } from 'vitest';
import { openMemoryDatabase, type Db } from '../../db/client';
import { auditEvents, signalUpdates } from '../../db/schema';
import { sqlitePublishing } from '../../db/stores/signal-service';
import { FakeClock } from '../clock';
import { ValidationError } from '../errors';
import { DEFAULT_PLANS } from '../plans/default-plans';
import type { PublishingDeps } from './ports';
import { publishSignal } from './publish-signal';
import { publishSignalUpdate } from './publish-update';

const NOON = Date.UTC(2026, 0, 15, 12, 0, 0);

let db: Db;
let deps: PublishingDeps;
let signalId: string;

beforeEach(() => {
  db = openMemoryDatabase();
  deps = sqlitePublishing({ db, clock: new FakeClock(NOON), plans: DEFAULT_PLANS, bands: { aMin: 0.8, bMin: 0.6 } });
  signalId = publishSignal(deps, { publisherId: 'p-1', symbol: 'BTCUSDT', market: 'crypto', side: 'long', conviction: 0.9, reasons: ['breakout'] }, { publishedBy: 'cli' }).signal.id;
});

describe('publishSignalUpdate', () => {
  it('refuses an invalid update with a field-named error and writes nothing', async () => {
    expect(() => publishSignalUpdate(deps, signalId, { kind: 'target_hit', price: -1 }, { publishedBy: 'cli' }))
      .toThrow(expect.objectContaining({ constructor: ValidationError, issues: expect.arrayContaining([expect.objectContaining({ field: 'targetIndex' }), expect.objectContaining({ field: 'price' })]) }));
    expect(await db.$count(signalUpdates)).toBe(0);
    expect(await db.$count(auditEvents)).toBe(1);
  });

  it('records an update by publisher id once per publisher update id, with one audit event', async () => {
    const first = publishSignalUpdate(deps, { publisherId: 'p-1' }, { kind: 'closed', resultPct: 3.5, publisherUpdateId: 'u-1' }, { publishedBy: 'api-key:k1' });
    const again = publishSignalUpdate(deps, { publisherId: 'p-1' }, { kind: 'closed', resultPct: 9, publisherUpdateId: 'u-1' }, { publishedBy: 'api-key:k1' });
    expect(first).toMatchObject({ duplicate: false, update: { signalId, kind: 'closed', resultPct: 3.5 } });
    expect(again).toEqual({ ...first, duplicate: true });
    expect(await db.$count(signalUpdates)).toBe(1);
    expect(db.select().from(auditEvents).all().map((e) => [e.action, e.actor])).toEqual([['signal.published', 'cli'], ['signal.updated', 'api-key:k1']]);
  });

  it('names an unknown publisher id in its not_found error', () => {
    expect(() => publishSignalUpdate(deps, { publisherId: 'p-9' }, { kind: 'stopped' }))
      .toThrow(expect.objectContaining({ code: 'not_found', message: 'no signal with publisher id "p-9"' }));
  });
});
