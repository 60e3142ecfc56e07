// `signalcast snapshot preview|send`: the day's snapshot written to files, or kept and planned once per destination by hand.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SignalcastError } from '../../core/errors';
import { snapshotAsText } from '../../core/snapshot/compose';
import { parseDay } from '../../core/snapshot/day';
import type { NewSnapshot } from '../../core/snapshot/ports';
import type { SnapshotOptions, SnapshotRun } from '../../core/snapshot/service';
import type { CliIo } from '../io';

/** What the snapshot commands need (app/snapshots.ts gives it). */
export interface SnapshotAdmin {
  preview(options?: SnapshotOptions): { snapshot: NewSnapshot; kept: boolean; disclaimer: string | null };
  run(options?: SnapshotOptions): Promise<SnapshotRun>;
}

interface Deps {
  snapshots: SnapshotAdmin | undefined;
  io: CliIo;
}

function admin(deps: Deps): SnapshotAdmin {
  if (!deps.snapshots) throw new SignalcastError('internal', 'the snapshot is not available in this build');
  return deps.snapshots;
}

const dayOption = (date: string | undefined): SnapshotOptions => (date === undefined ? {} : { day: parseDay(date) });

/** Writes snapshot-<day>.txt (title, text, disclaimer) and snapshot-<day>.png (when the chart was drawn) to `out`; prints their paths. */
export function snapshotPreview(deps: Deps, opts: { date?: string; out?: string }): string[] {
  const options = dayOption(opts.date);
  const { snapshot, kept, disclaimer } = admin(deps).preview(options);
  const dir = resolve(opts.out ?? '.');
  mkdirSync(dir, { recursive: true });
  const txt = join(dir, `snapshot-${snapshot.day}.txt`);
  writeFileSync(txt, snapshotAsText({ ...snapshot, disclaimer }));
  const paths = [txt];
  if (snapshot.chart) {
    const png = join(dir, `snapshot-${snapshot.day}.png`);
    writeFileSync(png, snapshot.chart.png);
    paths.push(png);
  } else {
    deps.io.err('The chart could not be drawn (see the log): the snapshot would go as text.');
  }
  deps.io.out(kept ? `The snapshot of ${snapshot.day} as it was kept (and sent):` : `The snapshot of ${snapshot.day} as it would be sent now:`);
  for (const p of paths) deps.io.out(p);
  return paths;
}

/** Keeps the day's snapshot and plans it once per destination: a second send plans nothing new and says so. */
export async function snapshotSend(deps: Deps, opts: { date?: string }): Promise<SnapshotRun> {
  const run = await admin(deps).run(dayOption(opts.date));
  if (run.tooOld) {
    throw new SignalcastError('conflict', `the snapshot of ${run.day} was kept longer ago than DELIVERED_RETENTION_DAYS: its sent deliveries may be pruned, so it is not planned again`);
  }
  if (run.planned === 0 && run.alreadyPlanned > 0) {
    deps.io.out(`The snapshot of ${run.day} was already planned for ${run.alreadyPlanned} destination${run.alreadyPlanned === 1 ? '' : 's'}: nothing new planned.`);
  } else {
    const already = run.alreadyPlanned > 0 ? ` (${run.alreadyPlanned} already planned)` : '';
    deps.io.out(`The snapshot of ${run.day} is planned for ${run.planned} destination${run.planned === 1 ? '' : 's'}${already}; the running service sends it.`);
  }
  return run;
}
