import { describe, expect, it } from 'vitest';
import type { DueDelivery } from '../../core/delivery/ports';
import type { SnapshotFigures } from '../../core/snapshot/types';
import { openMemoryDatabase } from '../client';
import { SqliteContentResolver } from './delivery-content';
import { SqliteCandidateSource } from './candidate-source';
import { SqliteSnapshotStore } from './snapshot-store';
import { DEFAULT_PLANS } from '../../core/plans';

const delivery = (contentId: string): DueDelivery => ({
  id: 1, contentType: 'snapshot', contentId, kind: 'snapshot', destinationId: 'dst_1', accountId: null, platform: 'telegram',
  recipientKey: 'telegram:-100', recipient: { platform: 'telegram', chatId: '-100' }, isGroup: true, priority: 20, dueAt: 0, attempts: 0,
});

describe('the snapshot content builder', () => {
  const db = openMemoryDatabase();
  const store = new SqliteSnapshotStore({ db, candidates: new SqliteCandidateSource(db.$client, { now: () => 0 }), plans: DEFAULT_PLANS });
  const figures = { day: '2026-12-06' } as SnapshotFigures;
  const withChart = store.create({ day: '2026-12-06', title: 'Daily snapshot — 6 Dec 2026', text: 'Signals today: 2', chart: { png: new Uint8Array([1, 2]), width: 1200, height: 675, alt: 'the chart' }, figures }, 0).snapshot;
  const textOnly = store.create({ day: '2026-12-07', title: 'Daily snapshot — 7 Dec 2026', text: 'No signals were published today.', chart: null, figures }, 0).snapshot;
  const resolver = new SqliteContentResolver({ db, disclaimer: 'Not financial advice.' });

  it('builds the title, text, chart and disclaimer of the kept snapshot', () => {
    expect(resolver.resolve(delivery(`snapshot#${withChart.ref}`), 0)).toEqual({
      kind: 'snapshot', title: 'Daily snapshot — 6 Dec 2026', text: 'Signals today: 2',
      chart: { png: new Uint8Array([1, 2]), width: 1200, height: 675, alt: 'the chart' }, disclaimer: 'Not financial advice.',
    });
  });

  it('builds a snapshot without a chart as text, and none without a disclaimer', () => {
    const plain = new SqliteContentResolver({ db });
    expect(plain.resolve(delivery(`snapshot#${textOnly.ref}`), 0)).toEqual({
      kind: 'snapshot', title: 'Daily snapshot — 7 Dec 2026', text: 'No signals were published today.', chart: undefined, disclaimer: undefined,
    });
  });

  it('reports a snapshot that does not exist as not_found', () => {
    expect(() => resolver.resolve(delivery('snapshot#999'), 0)).toThrow(expect.objectContaining({ code: 'not_found', message: 'snapshot snapshot#999 does not exist' }));
  });
});
