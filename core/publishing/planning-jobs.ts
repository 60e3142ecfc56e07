// A signal's planning after the 202, chunk by chunk: the job's shape and the port that keeps it (planning_jobs).
import type { ExclusionReason } from '../planning/types';

export type PlanningJobState = 'planning' | 'done' | 'cancelled';

/** Why candidates got nothing, by reason, summed over the chunks. */
export type ExcludedCounts = Partial<Record<ExclusionReason, number>>;

/** One signal's planning: where it stands and what it came to so far. */
export interface PlanningJob {
  signalRef: number;
  /** 'cancelled': a stop or close came first; nothing more is planned for it. */
  state: PlanningJobState;
  /** The last destination ref planned: the next chunk starts above it. */
  cursor: number;
  /** Candidate destinations when published. */
  candidates: number;
  planned: number;
  skipped: number;
  excluded: ExcludedCounts;
  createdAt: number;
  updatedAt: number;
}

/** Where a job stands after a chunk. */
export type JobProgress = Pick<PlanningJob, 'state' | 'cursor' | 'planned' | 'skipped' | 'excluded'>;

/** Keeps planning jobs; every call runs inside the caller's transaction. */
export interface PlanningJobStore {
  insert(job: Omit<PlanningJob, 'updatedAt'>): void;
  get(signalRef: number): PlanningJob | undefined;
  /** Records a chunk's progress (only while the job is 'planning'); false when it was not. */
  advance(signalRef: number, progress: JobProgress, now: number): boolean;
  /** The newest job still 'planning', if any. */
  nextPlanning(): PlanningJob | undefined;
}

/** Adds one chunk's exclusions to the job's. */
export function addExcluded(into: ExcludedCounts, more: ReadonlyMap<ExclusionReason, number> | ExcludedCounts): ExcludedCounts {
  const out: ExcludedCounts = { ...into };
  const entries: [ExclusionReason, number][] = more instanceof Map ? [...(more as ReadonlyMap<ExclusionReason, number>).entries()] : (Object.entries(more) as [ExclusionReason, number][]);
  for (const [reason, n] of entries) out[reason] = (out[reason] ?? 0) + n;
  return out;
}
