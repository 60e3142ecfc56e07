// The CLI as the tests run it: the real program on an in-memory database, with the context's stores and whatever a test adds to it.
import type { Clock } from '../../core/clock';
import type { PlansConfig } from '../../core/plans';
import { loadConfig } from '../../config';
import type { Db } from '../../db/client';
import { SqliteApiKeyStore } from '../../db/stores/api-key-store';
import { SqliteAuditLog } from '../../db/stores/audit-store';
import { SqliteDeliveryStore } from '../../db/stores/delivery-store';
import { SqliteSignalService } from '../../db/stores/signal-service';
import { SqliteTrackRecord } from '../../db/stores/track-record-store';
import { captureIo } from '../io';
import { runCli, type CliContext, type CliDeps } from '../program';

/** The program on `db` with the stores every command reads, plus `extra` (billing, workspaces…); `run` runs one command line. */
export function testCli(db: Db, clock: Clock, plans: PlansConfig, extra: Partial<CliContext> = {}) {
  const io = captureIo();
  const deps: CliDeps = {
    io,
    loadConfig: () => loadConfig({}),
    openDatabase: () => db,
    closeDatabase: () => {},
    createContext: () => ({
      clock,
      apiKeys: new SqliteApiKeyStore({ db, clock }),
      audit: new SqliteAuditLog({ db, clock }),
      signals: new SqliteSignalService({ db, clock, plans, bands: { aMin: 0.8, bMin: 0.6 } }),
      deliveries: new SqliteDeliveryStore({ db, clock }),
      trackRecord: new SqliteTrackRecord({ db }),
      ...extra,
    }),
    start: async () => {},
  };
  return { io, run: (...args: string[]) => runCli(args, deps) };
}
