// Crons for tests: both check expressions as node-cron does and schedule nothing that fires on its own; the recording one keeps each job so a test can fire its tick.
import cron from 'node-cron';
import type { Cron } from '..';

export const idleCron: Cron = {
  validate: (expression) => cron.validate(expression),
  schedule: (() => ({ stop: () => undefined })) as unknown as Cron['schedule'],
};

/** One job as registered: its expression, node-cron's options (name, timezone) and its tick. */
export interface RecordedTask {
  expression: string;
  options: Record<string, unknown>;
  fire: () => Promise<void>;
  stopped: boolean;
}

/** An idle cron that records what was scheduled. */
export function recordingCron(): { cron: Cron; tasks: RecordedTask[] } {
  const tasks: RecordedTask[] = [];
  const api: Cron = {
    validate: (expression) => cron.validate(expression),
    schedule: ((expression: string, fire: () => Promise<void>, options: Record<string, unknown> = {}) => {
      const task: RecordedTask = { expression, options, fire, stopped: false };
      tasks.push(task);
      return { stop: () => void (task.stopped = true) };
    }) as unknown as Cron['schedule'],
  };
  return { cron: api, tasks };
}
