import { afterEach, describe, expect, it } from 'vitest';
import { seedSubscribers } from '../db/testing/seed';
import type { UpdateOutcome } from '../core/signals/ports';
import { createHarness, validSignal, type Harness } from './testing/harness';

let h: Harness;
afterEach(async () => {
  await h?.app.close();
});

/** Marks the first n alert deliveries sent, as the dispatcher would have. */
const sendAlerts = (n: number) => h.db.$client.prepare("UPDATE deliveries SET state = 'sent' WHERE id IN (SELECT id FROM deliveries WHERE kind = 'alert' ORDER BY id LIMIT ?)").run(n);

const updateRows = () => h.db.$client.prepare("select count(*) from deliveries where content_type = 'update' and kind = 'update'").pluck().get() as number;

describe('POST /v1/signals/:id/updates plans the update for the alert\'s recipients', () => {
  it('answers how many deliveries it planned and how many unsent alerts it superseded, and a replay the same counts with nothing new', async () => {
    h = await createHarness();
    seedSubscribers(h.db, { count: 3, planId: 'pro' });
    const { id } = (await h.post('/v1/signals', validSignal())).json<{ id: string }>();
    sendAlerts(2);
    const update = { kind: 'stopped', price: 61000, publisherUpdateId: 'u-1' };
    const first = await h.post(`/v1/signals/${id}/updates`, update);
    expect(first.statusCode).toBe(202);
    expect(first.json()).toEqual({ id: expect.stringMatching(/^upd_/), signalId: id, duplicate: false, planned: 2, superseded: 1 });
    const again = await h.post(`/v1/signals/by-publisher-id/pub-1/updates`, update);
    expect(again.json()).toEqual({ ...first.json<object>(), duplicate: true });
    expect(updateRows()).toBe(2);
  });

  it('pokes the dispatcher after the commit when it planned deliveries, and not for a replay', async () => {
    const seen: { planned: number; rows: number }[] = [];
    h = await createHarness({ onUpdated: (o: UpdateOutcome) => seen.push({ planned: o.planned, rows: updateRows() }) });
    seedSubscribers(h.db, { count: 2, planId: 'pro' });
    const { id } = (await h.post('/v1/signals', validSignal())).json<{ id: string }>();
    sendAlerts(2);
    await h.post(`/v1/signals/${id}/updates`, { kind: 'closed', resultPct: 2, publisherUpdateId: 'u-2' });
    await h.post(`/v1/signals/${id}/updates`, { kind: 'closed', resultPct: 2, publisherUpdateId: 'u-2' });
    expect(seen).toEqual([{ planned: 2, rows: 2 }]);
  });

  it('still answers 202 when the poke throws: the update and its deliveries are committed', async () => {
    h = await createHarness({ onUpdated: () => { throw new Error('dispatcher gone'); } });
    seedSubscribers(h.db, { count: 1, planId: 'pro' });
    const { id } = (await h.post('/v1/signals', validSignal())).json<{ id: string }>();
    sendAlerts(1);
    const res = await h.post(`/v1/signals/${id}/updates`, { kind: 'stopped' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ planned: 1 });
    expect(updateRows()).toBe(1);
    expect(h.logger.records.some((r) => r.level === 'warn' && r.msg === 'onUpdated hook failed')).toBe(true);
  });
});
