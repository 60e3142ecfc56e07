// The daily snapshot job: at SNAPSHOT_TIME in the operator's time zone, the day's snapshot, planned once per destination.
import type { ScheduledJob } from './index';

export interface SnapshotJobDeps {
  /** SNAPSHOT_TIME: hour and minute in OPERATOR_TIME_ZONE (the registry runs jobs there). */
  at: { hour: number; minute: number };
  /** Runs the day's snapshot (core/snapshot/service.ts runSnapshot); a second run the same day plans nothing new. */
  run(): unknown;
}

/** The `snapshot` job: cron "M H * * *". */
export function snapshotJob(deps: SnapshotJobDeps): ScheduledJob {
  return { name: 'snapshot', schedule: `${deps.at.minute} ${deps.at.hour} * * *`, run: () => deps.run() };
}
