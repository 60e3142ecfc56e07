// A cron for whole-service tests: it checks expressions as node-cron does and schedules nothing, so only the reconciles a test sets off run.
import cron from 'node-cron';
import type { Cron } from '..';

export const idleCron: Cron = {
  validate: (expression) => cron.validate(expression),
  schedule: (() => ({ stop: () => undefined })) as unknown as Cron['schedule'],
};
