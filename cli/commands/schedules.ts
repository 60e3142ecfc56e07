// `signalcast schedules list|run`: each scheduled job with its last run from schedule_runs, and one job run now through the same guard as the service's.
import type { ScheduleRunRow } from '../../db/schema';
import type { JobOutcome } from '../../db/stores/schedule-run-store';
import { CliError, EXIT, formatTable, type CliIo } from '../io';

/** What these commands need: the jobs this configuration registers, their runs, and a guarded run. */
export interface ScheduleAdmin {
  /** OPERATOR_TIME_ZONE, which the schedules are in. */
  timeZone: string;
  /** The jobs the service registers with these settings, in order. */
  jobs(): { name: string; schedule: string }[];
  /** Every job's last run, lease and count. */
  runs(): ScheduleRunRow[];
  /** Runs `name` once now through the guard (a run going on elsewhere makes it `skipped`). */
  run(name: string): Promise<JobOutcome>;
}

export interface SchedulesDeps {
  schedules: ScheduleAdmin;
  io: CliIo;
}

/** One line per job: configured ones first, then any the database remembers (a job switched off since). */
export interface ScheduleLine {
  job: string;
  schedule: string | null;
  lastStartedAt: string | null;
  lastFinishedAt: string | null;
  lastDurationMs: number | null;
  lastOutcome: string | null;
  lastError: string | null;
  runs: number;
  /** Who holds the lease and until when, while a run is under way (or its holder died). */
  lease: { holder: string; until: string } | null;
}

const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());

export function scheduleLines(admin: ScheduleAdmin): ScheduleLine[] {
  const runs = new Map(admin.runs().map((r) => [r.job, r]));
  const configured = admin.jobs();
  const names = [...configured.map((j) => j.name), ...[...runs.keys()].filter((name) => !configured.some((j) => j.name === name))];
  return names.map((job) => {
    const run = runs.get(job);
    return {
      job,
      schedule: configured.find((j) => j.name === job)?.schedule ?? null,
      lastStartedAt: iso(run?.lastStartedAt ?? null),
      lastFinishedAt: iso(run?.lastFinishedAt ?? null),
      lastDurationMs: run?.lastDurationMs ?? null,
      lastOutcome: run?.lastOutcome ?? null,
      lastError: run?.lastError ?? null,
      runs: run?.runs ?? 0,
      lease: run?.leaseHolder && run.leaseUntil !== null ? { holder: run.leaseHolder, until: iso(run.leaseUntil)! } : null,
    };
  });
}

export function schedulesList(deps: SchedulesDeps, options: { json?: boolean } = {}): ScheduleLine[] {
  const lines = scheduleLines(deps.schedules);
  if (options.json) {
    deps.io.out(JSON.stringify({ timeZone: deps.schedules.timeZone, jobs: lines }));
    return lines;
  }
  if (lines.length === 0) {
    deps.io.out('No scheduled jobs with these settings.');
    return lines;
  }
  const rows = lines.map((l) => [
    l.job, l.schedule ?? '(off)', l.lastFinishedAt ?? (l.lastStartedAt ? `started ${l.lastStartedAt}` : 'never'),
    l.lastDurationMs === null ? '-' : `${l.lastDurationMs} ms`, (l.lastOutcome ?? '-') + (l.lease ? ` (running: ${l.lease.holder} until ${l.lease.until})` : ''),
    String(l.runs), (l.lastError ?? '').slice(0, 80),
  ]);
  for (const line of formatTable(['JOB', `SCHEDULE (${deps.schedules.timeZone})`, 'LAST RUN', 'DURATION', 'OUTCOME', 'RUNS', 'LAST ERROR'], rows)) deps.io.out(line);
  return lines;
}

export async function schedulesRun(deps: SchedulesDeps, name: string): Promise<JobOutcome> {
  const known = deps.schedules.jobs().map((j) => j.name);
  if (!known.includes(name)) {
    throw new CliError(`"${name}" is not a scheduled job with these settings; expected one of ${known.join(', ') || '(none)'}`, EXIT.usage);
  }
  const outcome = await deps.schedules.run(name);
  const run = deps.schedules.runs().find((r) => r.job === name);
  if (outcome === 'skipped') throw new CliError(`${name}: skipped: another run holds it (${run?.lastError ?? 'a run is under way'}); try again when it ends`, EXIT.failure);
  if (outcome === 'failed') throw new CliError(`${name}: failed: ${run?.lastError ?? 'see the log'}`, EXIT.failure);
  deps.io.out(`${name}: ok in ${run?.lastDurationMs ?? 0} ms.`);
  return outcome;
}
