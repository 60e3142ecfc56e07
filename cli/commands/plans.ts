// `signalcast plans check [file]`: validate a plans file and describe the plans it defines, with the access forms this build reads and any deprecated fields.
import { readFileSync } from 'node:fs';
import { SignalcastError } from '../../core/errors';
import { accessForms, checkPlans, DEFAULT_PLANS, describePlans, type PlanLoadOptions } from '../../core/plans';
import { CliError, EXIT, type CliIo } from '../io';

export interface PlansDeps {
  io: CliIo;
  /** PLANS_FILE, used when no file is given. */
  plansFile: string | undefined;
  /** The adapters' access specs and the reading of older fields (app/adapters/plan-catalog.ts); without them an access entry is an error. */
  planOptions?: PlanLoadOptions | undefined;
}

/** What a deprecated field's warnings are followed by. */
export const MOVE_TO_ACCESS = "Move each deprecated field into the plan's access list (see plans.example.yaml): they are read for this release only.";

function accessLine(options: PlanLoadOptions): string {
  const forms = accessForms(options);
  return forms.length === 0 ? 'access entries: this build reads none (no chat app with gated access)' : `access entries this build reads: ${forms.join(', ')}`;
}

/** Prints the plans when the file is valid; throws plans_invalid (exit 78) listing every problem otherwise. Warnings go to stderr either way. */
export function plansCheck(deps: PlansDeps, file?: string): void {
  const path = file ?? deps.plansFile;
  const options = deps.planOptions ?? {};
  if (path === undefined) {
    deps.io.out('PLANS_FILE is not set: Signalcast uses its built-in plans (see plans.example.yaml):');
    for (const line of describePlans(DEFAULT_PLANS)) deps.io.out(`  ${line}`);
    deps.io.out(`  ${accessLine(options)}`);
    return;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new CliError(`cannot read ${path}: ${reason}`, file === undefined ? EXIT.config : EXIT.usage);
  }
  const check = checkPlans(text, path, options);
  for (const warning of check.warnings) deps.io.err(`warning: ${warning}`);
  if (check.warnings.length > 0) deps.io.err(MOVE_TO_ACCESS);
  if (!check.ok) {
    const access = check.errors.some((e) => /\]\.access\b/.test(e)) ? `\n  ${accessLine(options)}` : '';
    throw new SignalcastError('plans_invalid', `${path} is not a valid plans file:\n  ${check.errors.join('\n  ')}${access}`);
  }
  deps.io.out(`${path} is valid: ${check.plans.plans.length} plans.`);
  for (const line of describePlans(check.plans)) deps.io.out(`  ${line}`);
  deps.io.out(`  ${accessLine(options)}`);
}
