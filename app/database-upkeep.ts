// The service's upkeep of its database off the request path: the checkpoint and queue-depth workers on the file, and the
// planner's kept candidates built at start and refreshed between publishes.
import type { QueueCount } from '../core/delivery/ports';
import type { Logger } from '../core/logger';
import { startCheckpointer, type Checkpointer } from '../db/checkpointer';
import { toSqlitePath, type Db } from '../db/client';
import { startQueueDepthReader, type QueueDepthReader } from '../db/queue-depth-reader';
import type { SqliteSignalService } from '../db/stores/signal-service';

/** How often the planner's in-memory candidates take in changes between publishes. */
const CANDIDATE_REFRESH_MS = 2_000;

export interface DatabaseUpkeep {
  /** The outbox counted on the queue-depth worker; undefined without one (an in-memory database, or one the caller owns). */
  queueDepth(): Promise<QueueCount[]> | undefined;
  /** Stops the build and refresh of the candidates, then the workers (the checkpoint worker within `timeoutMs`). Before the database closes. */
  stop(timeoutMs: number): Promise<void>;
}

export interface UpkeepDeps {
  db: Db;
  databaseUrl: string;
  /** The service opened the database file itself: only then do the workers open it too. */
  ownsDb: boolean;
  signals: Pick<SqliteSignalService, 'refreshCandidates' | 'candidatesReady' | 'keptCandidates' | 'closeCandidates' | 'planning'>;
  logger: Logger;
}

/**
 * Starts the workers on the service's own database file (checkpoints and the outbox's count, off the event loop), and
 * the kept candidates' build before the first publish (in the background when many; 'planning candidates ready' logs
 * how many and how long), then patches them every CANDIDATE_REFRESH_MS and plans a job another process left.
 */
export function startDatabaseUpkeep(deps: UpkeepDeps): DatabaseUpkeep {
  const { db, signals, logger } = deps;
  const path = toSqlitePath(deps.databaseUrl);
  const onFile = deps.ownsDb && path !== ':memory:';
  const checkpointer: Checkpointer | undefined = onFile ? startCheckpointer({ path, connection: db.$client, logger: logger.child({ component: 'checkpoint' }) }) : undefined;
  const depthReader: QueueDepthReader | undefined = onFile ? startQueueDepthReader({ path, logger: logger.child({ component: 'queue-depth' }) }) : undefined;
  const keeping = Date.now();
  signals.refreshCandidates();
  void signals.candidatesReady().then(
    () => logger.info({ kept: signals.keptCandidates, ms: Date.now() - keeping }, 'planning candidates ready'),
    (err: unknown) => logger.warn({ err }, 'could not keep the planning candidates in memory; publishes read them from the database until the next try'),
  );
  const keepWarm = setInterval(() => {
    try {
      signals.refreshCandidates();
      // A job another process left (the CLI's publish) is planned here.
      signals.planning.wake();
    } catch (err) {
      logger.warn({ err }, 'could not refresh the planning candidates; the next publish reads them');
    }
  }, CANDIDATE_REFRESH_MS).unref();
  return {
    queueDepth: () => depthReader?.read(),
    async stop(timeoutMs) {
      clearInterval(keepWarm);
      // A build of the candidates under way reads no further page.
      signals.closeCandidates();
      await depthReader?.stop();
      await checkpointer?.stop({ timeoutMs });
    },
  };
}
