// `signalcast plans check [file]`: validate a plans file and describe the plans it defines.
import { readFileSync } from 'node:fs';
import { SignalcastError } from '../../core/errors';
import { checkPlans, DEFAULT_PLANS, describePlans } from '../../core/plans';
import { CliError, EXIT, type CliIo } from '../io';

export interface PlansDeps {
  io: CliIo;
  /** PLANS_FILE, used when no file is given. */
  plansFile: string | undefined;
}

/** Prints the plans when the file is valid; throws plans_invalid (exit 78) listing every problem otherwise. */
export function plansCheck(deps: PlansDeps, file?: string): void {
  const path = file ?? deps.plansFile;
  if (path === undefined) {
    deps.io.out('PLANS_FILE is not set: Signalcast uses its built-in plans (see plans.example.yaml):');
    for (const line of describePlans(DEFAULT_PLANS)) deps.io.out(`  ${line}`);
    return;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new CliError(`cannot read ${path}: ${reason}`, file === undefined ? EXIT.config : EXIT.usage);
  }
  const check = checkPlans(text, path);
  if (!check.ok) {
    throw new SignalcastError('plans_invalid', `${path} is not a valid plans file:\n  ${check.errors.join('\n  ')}`);
  }
  deps.io.out(`${path} is valid: ${check.plans.plans.length} plans.`);
  for (const line of describePlans(check.plans)) deps.io.out(`  ${line}`);
}
