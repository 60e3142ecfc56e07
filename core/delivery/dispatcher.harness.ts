// The dispatcher tests' world: an in-memory database with the real migrations, the testchat emulator on a fake clock, and a dispatcher between them.
import { afterEach } from 'vitest';
import { createTestchatPlatform } from '../../bots/testchat';
import { openMemoryDatabase, type Db } from '../../db/client';
import { SqliteContentResolver } from '../../db/stores/delivery-content';
import { SqliteDeliveryStore } from '../../db/stores/delivery-store';
import { getDelivery, insertSignal } from '../../db/stores/delivery-store.fixtures';
import { startTestchat, type TestchatEmulator, type TestchatOptions } from '../../sandbox/testchat/server';
import { FakeClock } from '../clock';
import { noopMetrics, type DeliveryOutcome, type Metrics } from '../metrics';
import { recordingLogger, type LogRecord } from '../testing/logger';
import type { PlatformName } from '../types';
import type { PlatformWindows } from './chat-platform';
import { Dispatcher, type DispatcherOptions } from './dispatcher';
import { createRetryPolicy } from './retry-policy';

export const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
export const TESTCHAT_LIMITS: PlatformWindows = {
  overall: { limit: 30, windowMs: 1_000 },
  perChat: { limit: 1, windowMs: 1_000 },
  perGroup: { limit: 20, windowMs: 60_000 },
};

export interface Harness {
  db: Db;
  clock: FakeClock;
  emulator: TestchatEmulator;
  store: SqliteDeliveryStore;
  dispatcher: Dispatcher;
  logs: LogRecord[];
  outcomes: DeliveryOutcome[];
  /** What `deliveriesExpired` counted, by platform. */
  expired: Map<PlatformName, number>;
  signalId: string;
  /** Moves the fake clock and waits until the engine has nothing more to do at the new time. */
  advance(ms: number): Promise<void>;
  /** Pokes and waits until the engine is idle. */
  settle(): Promise<void>;
  stateOf(id: number): string;
}

let current: Harness | undefined;

/** Per-chat limits loose enough that only the backoff decides when a retry goes out. */
export const LOOSE: PlatformWindows = { ...TESTCHAT_LIMITS, perChat: { limit: 10, windowMs: 1_000 } };
export const loosePerChat = { emulator: { limits: LOOSE }, dispatcher: { limits: { testchat: LOOSE } } };

export async function harness(options: { emulator?: TestchatOptions; dispatcher?: Partial<DispatcherOptions>; maxAttempts?: number } = {}): Promise<Harness> {
  const clock = new FakeClock(T0);
  const db = openMemoryDatabase();
  const { url, token, emulator } = await startTestchat({ clock, limits: TESTCHAT_LIMITS, ...options.emulator });
  const store = new SqliteDeliveryStore({ db, clock });
  const logs: LogRecord[] = [];
  const outcomes: DeliveryOutcome[] = [];
  const expired = new Map<PlatformName, number>();
  const metrics: Metrics = {
    ...noopMetrics,
    deliveryAttempt: (_p, outcome) => outcomes.push(outcome),
    deliveriesExpired: (platform, count) => expired.set(platform, (expired.get(platform) ?? 0) + count),
  };
  const dispatcher = new Dispatcher({
    store,
    platforms: new Map<PlatformName, ReturnType<typeof createTestchatPlatform>>([['testchat', createTestchatPlatform({ url, token })]]),
    content: new SqliteContentResolver({ db }),
    clock,
    logger: recordingLogger(logs),
    metrics,
    retryPolicy: createRetryPolicy({ maxAttempts: options.maxAttempts ?? 8, random: () => 0.5 }),
    concurrency: 8,
    limits: { testchat: TESTCHAT_LIMITS },
    ...options.dispatcher,
  });
  const h: Harness = {
    db, clock, emulator, store, dispatcher, logs, outcomes, expired,
    signalId: insertSignal(db, { createdAt: T0 }),
    async advance(ms) {
      await clock.advance(ms);
      await dispatcher.idle();
    },
    async settle() {
      dispatcher.poke();
      await dispatcher.idle();
    },
    stateOf: (id) => getDelivery(db, id).state,
  };
  current = h;
  return h;
}

afterEach(async () => {
  await current?.dispatcher.stop();
  await current?.emulator.stop();
  current = undefined;
});

