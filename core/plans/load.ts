// Reading and checking a plans file (JSON or YAML, by extension); every error names the file and the path.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import { SignalcastError } from '../errors';
import { toFieldIssues } from '../signals/field-issues';
import { DEFAULT_PLANS } from './default-plans';
import { plansFileSchema, type Plan, type PlansConfig } from './schema';

/** What `signalcast plans check` reports: the plans, or every problem found. */
export type PlansCheck = { ok: true; plans: PlansConfig } | { ok: false; errors: string[] };

function parseText(text: string, filename: string): { value?: unknown; errors: string[] } {
  const ext = extname(filename).toLowerCase();
  if (ext === '.json') {
    try {
      return { value: JSON.parse(text), errors: [] };
    } catch (err) {
      return { errors: [`${filename}: not valid JSON: ${(err as Error).message}`] };
    }
  }
  if (ext === '.yaml' || ext === '.yml') {
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length > 0) {
      return {
        errors: doc.errors.map((e) => {
          const at = e.linePos?.[0];
          return `${filename}${at ? `:${at.line}:${at.col}` : ''}: not valid YAML: ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`;
        }),
      };
    }
    return { value: doc.toJS(), errors: [] };
  }
  return { errors: [`${filename}: expected a .yaml, .yml or .json file`] };
}

/** Rules across plans that a per-field schema cannot say. */
function crossCheck(plans: Plan[]): { field: string; message: string }[] {
  const issues: { field: string; message: string }[] = [];
  const seenId = new Map<string, number>();
  const seenPrice = new Map<string, number>();
  const seenLevel = new Map<number, number>();
  const free: number[] = [];
  plans.forEach((p, i) => {
    const at = (field: string) => `plans[${i}].${field}`;
    const firstId = seenId.get(p.id);
    if (firstId !== undefined) issues.push({ field: at('id'), message: `duplicate id "${p.id}" (also plans[${firstId}])` });
    else seenId.set(p.id, i);
    const firstLevel = seenLevel.get(p.level);
    if (firstLevel !== undefined) issues.push({ field: at('level'), message: `level ${p.level} is also plans[${firstLevel}]'s; each plan needs its own level` });
    else seenLevel.set(p.level, i);
    if (p.stripePriceId === null) {
      free.push(i);
      if (p.priceCents !== 0) issues.push({ field: at('priceCents'), message: 'the free plan (stripePriceId: null) must cost 0' });
      if (p.trialDays !== 0) issues.push({ field: at('trialDays'), message: 'the free plan has no trial; expected 0' });
    } else {
      const firstPrice = seenPrice.get(p.stripePriceId);
      if (firstPrice !== undefined) issues.push({ field: at('stripePriceId'), message: `duplicate price "${p.stripePriceId}" (also plans[${firstPrice}])` });
      else seenPrice.set(p.stripePriceId, i);
    }
  });
  if (free.length === 0) issues.push({ field: 'plans', message: 'no free plan: exactly one plan must have stripePriceId: null' });
  for (const i of free.slice(1)) {
    issues.push({ field: `plans[${i}].stripePriceId`, message: `only one plan may be free (stripePriceId: null); plans[${free[0]}] already is` });
  }
  const freeLevel = free.length === 1 ? plans[free[0] as number]?.level : undefined;
  if (freeLevel !== undefined) {
    plans.forEach((p, i) => {
      if (p.stripePriceId !== null && p.level <= freeLevel) {
        issues.push({ field: `plans[${i}].level`, message: `expected a level above the free plan's (${freeLevel})` });
      }
    });
  }
  return issues;
}

/** Validates a plans file's text. Never throws: the errors come back as lines naming file and path. */
export function checkPlans(text: string, filename: string): PlansCheck {
  const parsed = parseText(text, filename);
  if (parsed.errors.length > 0) return { ok: false, errors: parsed.errors };
  if (parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
    return { ok: false, errors: [`${filename}: expected a document with "graceDays" and a list of "plans"`] };
  }
  const result = plansFileSchema.safeParse(parsed.value);
  const issues = result.success ? crossCheck(result.data.plans) : toFieldIssues(result.error, parsed.value);
  if (issues.length > 0) return { ok: false, errors: issues.map((i) => `${filename}: ${i.field}: ${i.message}`) };
  return { ok: true, plans: result.data as PlansConfig };
}

/** Validates a plans file's text; throws SignalcastError('plans_invalid') listing every problem. */
export function parsePlans(text: string, filename: string): PlansConfig {
  const check = checkPlans(text, filename);
  if (!check.ok) throw new SignalcastError('plans_invalid', `Invalid plans file ${filename}:\n  ${check.errors.join('\n  ')}`);
  return check.plans;
}

/** The plans file at `path`, or the built-in DEFAULT_PLANS when no file is configured (PLANS_FILE unset). */
export function loadPlans(path: string | undefined): PlansConfig {
  if (path === undefined) return DEFAULT_PLANS;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new SignalcastError('plans_invalid', `PLANS_FILE ${path}: cannot read it (${reason})`, { cause: err });
  }
  return parsePlans(text, path);
}
