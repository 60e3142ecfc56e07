// The daily snapshot through the whole service on Telegram: composed from what was published, sent once as a photo with its caption.
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { until } from '../core/testing/until';
import { signBody } from '../server/signature';
import { startServiceWorld, type ServiceWorld } from './testing/service-world';

const SECRET = 'snapshot-signing-secret-value';
const USER = 4343;

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

const photos = (messages: Message[]) => messages.filter((m) => 'photo' in m && m.photo !== undefined);

async function publish(w: ServiceWorld, publisherId: string, symbol: string): Promise<string> {
  const body = JSON.stringify({ publisherId, symbol, market: 'crypto', side: 'long', conviction: 0.9, reasons: ['Breakout on volume'], entry: 100 });
  const res = await fetch(`${w.url}/v1/signals`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-signalcast-signature': signBody(SECRET, body, w.clock.now()) }, body,
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

/** Rows of the day's snapshot, and how many are still to send. */
function snapshotRows(w: ServiceWorld): { all: number; unsent: number } {
  const row = w.service.db.$client.prepare(`SELECT COUNT(*) AS all_rows, SUM(state IN ('pending', 'sending')) AS unsent FROM deliveries WHERE kind = 'snapshot'`).get() as { all_rows: number; unsent: number | null };
  return { all: row.all_rows, unsent: row.unsent ?? 0 };
}

describe('the daily snapshot on Telegram', () => {
  it('reaches a subscriber as a photo with the caption, once, however often the job runs', async () => {
    const w = await startServiceWorld(running, { signingSecret: SECRET, settings: { DISCLAIMER: 'Not financial advice.' } });
    expect(w.service.capabilities.snapshot).toBe(true);
    // /start makes the subscriber's DM destination (the free plan has snapshot: true).
    w.tg.userSends(USER, '/start', { profile: { firstName: 'Sam', username: 'sam' } });
    await until(() => w.tg.sentMessages(USER).length > 0, 'the welcome');
    await publish(w, 'snap-1', 'BTCUSDT');

    const job = w.service.snapshots.job;
    expect(job).toMatchObject({ name: 'snapshot', schedule: '0 18 * * *' });
    const first = await job!.run();
    const second = await job!.run();
    expect(first).toMatchObject({ day: '2026-03-02', created: true, chart: true });
    expect(second).toMatchObject({ day: '2026-03-02', created: false, planned: 0 });
    expect((second as { alreadyPlanned: number }).alreadyPlanned).toBe((first as { planned: number }).planned);

    const [photo] = await until(() => photos(w.tg.sentMessages(USER)).length > 0 && photos(w.tg.sentMessages(USER)), 'the snapshot photo');
    expect(photo?.caption?.startsWith('Daily snapshot — 2 Mar 2026\n\nSignals since 18:00 yesterday: 1')).toBe(true);
    expect(photo?.caption).toContain('BTCUSDT long (A): open');
    expect(photo?.caption).toContain('Track record');
    // The chart as the emulator read it from the upload: the PNG's own size.
    expect(photo?.photo?.at(-1)).toMatchObject({ width: 1200, height: 675 });
    await until(() => snapshotRows(w).unsent === 0, 'every snapshot row sent');
    expect(photos(w.tg.sentMessages(USER))).toHaveLength(1);

    // A third run, after everything went: nothing new is planned or sent.
    expect(await w.service.snapshots.run()).toMatchObject({ planned: 0, created: false });
    expect(snapshotRows(w).unsent).toBe(0);
    expect(photos(w.tg.sentMessages(USER))).toHaveLength(1);
  });
});
