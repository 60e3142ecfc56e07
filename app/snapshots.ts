// Builds the daily snapshot from the service's parts: its store on the database, the track record, the chart, and its job when SNAPSHOT_TIME is set.
import type { Config } from '../config';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { PlansConfig } from '../core/plans/schema';
import { previewSnapshot, runSnapshot, type SnapshotOptions, type SnapshotRun, type SnapshotServiceDeps } from '../core/snapshot/service';
import type { NewSnapshot } from '../core/snapshot/ports';
import { drawChart } from '../content/chart/png';
import type { Db } from '../db/client';
import { SqliteCandidateSource } from '../db/stores/candidate-source';
import { SqliteSnapshotStore } from '../db/stores/snapshot-store';
import { SqliteTrackRecord } from '../db/stores/track-record-store';
import { snapshotJob } from '../schedules/snapshot';
import type { ScheduledJob } from '../schedules';

export interface SnapshotsDeps {
  db: Db;
  config: Pick<Config, 'operatorTimeZone' | 'disclaimer' | 'schedules'>;
  plans: PlansConfig;
  clock: Clock;
  logger: Logger;
  /** Wakes the dispatcher (nothing in the CLI: the running service finds the rows). */
  poke?: (() => void) | undefined;
}

/** The snapshot's run and preview, and its job (null when SNAPSHOT_TIME is off). */
export interface Snapshots {
  run(options?: SnapshotOptions): Promise<SnapshotRun>;
  preview(options?: SnapshotOptions): { snapshot: NewSnapshot; kept: boolean; disclaimer: string | null };
  job: ScheduledJob | null;
}

export function createSnapshots(deps: SnapshotsDeps): Snapshots {
  const logger = deps.logger.child({ component: 'snapshot' });
  // Read once a day: the candidates are read from the database in batches, nothing kept in memory.
  const candidates = new SqliteCandidateSource(deps.db.$client, { now: () => deps.clock.now(), maxCached: 0 });
  const service: SnapshotServiceDeps = {
    store: new SqliteSnapshotStore({ db: deps.db, candidates, plans: deps.plans }),
    track: new SqliteTrackRecord({ db: deps.db }),
    timeZone: deps.config.operatorTimeZone,
    dayEndsAt: deps.config.schedules.snapshotAt,
    disclaimer: deps.config.disclaimer,
    drawChart: (data, heading) => drawChart(data, heading, logger),
    poke: deps.poke ?? (() => {}),
    clock: deps.clock,
    logger,
    // Sent rows older than DELIVERED_RETENTION_DAYS are pruned: past that, "once per destination" cannot be told.
    replanWithinMs: deps.config.schedules.retentionDays > 0 ? deps.config.schedules.retentionDays * 86_400_000 : null,
  };
  const at = deps.config.schedules.snapshotAt;
  return {
    run: (options) => runSnapshot(service, options),
    preview: (options) => previewSnapshot(service, options),
    job: at ? snapshotJob({ at, run: () => runSnapshot(service) }) : null,
  };
}
