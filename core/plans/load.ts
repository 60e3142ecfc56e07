// Reading and checking a plans file (JSON or YAML, by extension); every error names the file and the path.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import type { AccessResource } from '../access/ports';
import { SignalcastError } from '../errors';
import type { Logger } from '../logger';
import { toFieldIssues } from '../signals/field-issues';
import { resolveAccess, type PlanLoadOptions } from './access';
import { DEFAULT_PLANS } from './default-plans';
import { plansFileSchema, type Plan, type PlansConfig } from './schema';

/** What `signalcast plans check` reports: the plans, or every problem found; and the warnings either way (older fields). */
export type PlansCheck = { ok: true; plans: PlansConfig; warnings: string[] } | { ok: false; errors: string[]; warnings: string[] };

/** The loader's options: the adapters' access specs and rewrite, and where warnings are logged. */
export interface PlansFileOptions extends PlanLoadOptions {
  logger?: Pick<Logger, 'warn'> | undefined;
}

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
function crossCheck(plans: Pick<Plan, 'id' | 'level' | 'stripePriceId' | 'priceCents' | 'trialDays'>[]): { field: string; message: string }[] {
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `plans[2].access[1] (plan vip)`: the path, and the plan's id when it has one. */
function planField(i: number, plan: unknown, field: string): string {
  const id = isRecord(plan) && typeof plan.id === 'string' ? ` (plan ${plan.id})` : '';
  return `plans[${i}].${field}${id}`;
}

/**
 * Validates a plans file's text. Never throws: the errors come back as lines naming file and path.
 * `options` gives the adapters' access specs (without them a plan's access entry is an error) and
 * the rewrite of older fields, whose warnings come back too.
 */
export function checkPlans(text: string, filename: string, options: PlanLoadOptions = {}): PlansCheck {
  const parsed = parseText(text, filename);
  if (parsed.errors.length > 0) return { ok: false, errors: parsed.errors, warnings: [] };
  if (!isRecord(parsed.value)) {
    return { ok: false, errors: [`${filename}: expected a document with "graceDays" and a list of "plans"`], warnings: [] };
  }
  const doc: Record<string, unknown> = { ...parsed.value };
  const issues: { field: string; message: string }[] = [];
  const warnings: string[] = [];
  const rewrite = options.rewrite;
  if (rewrite && Array.isArray(doc.plans)) {
    doc.plans = doc.plans.map((plan: unknown, i) => {
      if (!isRecord(plan)) return plan;
      const out = rewrite(plan);
      for (const w of out.warnings) warnings.push(`${filename}: ${planField(i, plan, w.field)}: ${w.message}`);
      for (const e of out.errors ?? []) issues.push({ field: planField(i, plan, e.field), message: e.message });
      return out.plan;
    });
  }
  // Each plan's access list is read by the adapters' specs, whatever else is wrong, so every problem is listed at once.
  const catalog = options.access ?? new Map();
  const access = new Map<number, AccessResource[]>();
  if (Array.isArray(doc.plans)) {
    doc.plans.forEach((plan: unknown, i) => {
      if (!isRecord(plan) || !Array.isArray(plan.access)) return;
      const read = resolveAccess(plan.access, catalog);
      for (const e of read.errors) issues.push({ field: planField(i, plan, e.field), message: e.message });
      access.set(i, read.resources);
    });
  }
  const result = plansFileSchema.safeParse(doc);
  if (!result.success) issues.unshift(...toFieldIssues(result.error, doc));
  else if (issues.length === 0) issues.push(...crossCheck(result.data.plans));
  if (issues.length > 0 || !result.success) return { ok: false, errors: issues.map((i) => `${filename}: ${i.field}: ${i.message}`), warnings };
  const plans: Plan[] = result.data.plans.map((p, i) => ({ ...p, access: access.get(i) ?? [] }));
  return { ok: true, plans: { graceDays: result.data.graceDays, plans }, warnings };
}

/** Validates a plans file's text; throws SignalcastError('plans_invalid') listing every problem. Warnings go to `options.logger`. */
export function parsePlans(text: string, filename: string, options: PlansFileOptions = {}): PlansConfig {
  const check = checkPlans(text, filename, options);
  for (const line of check.warnings) options.logger?.warn({ plansFile: filename }, line);
  if (!check.ok) throw new SignalcastError('plans_invalid', `Invalid plans file ${filename}:\n  ${check.errors.join('\n  ')}`);
  return check.plans;
}

/**
 * The plans file at `path`, or the built-in DEFAULT_PLANS when no file is configured (PLANS_FILE
 * unset; they gate nothing, so they need no access specs). Warnings (older fields) go to `options.logger`.
 */
export function loadPlans(path: string | undefined, options: PlansFileOptions = {}): PlansConfig {
  if (path === undefined) return DEFAULT_PLANS;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new SignalcastError('plans_invalid', `PLANS_FILE ${path}: cannot read it (${reason})`, { cause: err });
  }
  return parsePlans(text, path, options);
}
