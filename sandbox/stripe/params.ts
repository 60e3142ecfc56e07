// Request parameters: zod schemas for form values (all strings on the wire) and the translation of
// their failures into Stripe's own messages ("Missing required param: x.", "Received unknown parameter: y").
import { z } from 'zod';
import { missingParam, unknownParam, invalidParam, type StripeApiError } from './errors';
import { paramName, type FormObject, type FormValue } from './form';

const integer = z.string().regex(/^-?\d+$/, 'Invalid integer').transform(Number);
const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'Invalid decimal').transform(Number);
const boolean = z.enum(['true', 'false'], 'Invalid boolean').transform((v) => v === 'true');

/** Builders for the parameter shapes the API accepts. */
export const p = {
  string: () => z.string('Invalid string'),
  integer: () => integer,
  decimal: () => decimal,
  boolean: () => boolean,
  oneOf: <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values),
  /** `metadata[key]=value`; an empty value removes the key on update, `metadata=` (null) clears all. */
  metadata: () => z.preprocess((v) => (v === '' ? null : v), z.record(z.string(), z.string('Invalid string'), 'Invalid hash').nullable()),
  object: <T extends z.ZodRawShape>(shape: T) => z.strictObject(shape, 'Invalid hash'),
  array: <T extends z.ZodType>(item: T) => z.array(item, 'Invalid array'),
  expand: () => z.array(z.string('Invalid string'), 'Invalid array'),
};

/** The pagination parameters every list endpoint takes. */
export const listShape = {
  limit: p.integer().optional(),
  starting_after: p.string().optional(),
  ending_before: p.string().optional(),
  expand: p.expand().optional(),
};

function valueAt(raw: FormValue | undefined, path: readonly PropertyKey[]): FormValue | undefined {
  let node: FormValue | undefined = raw;
  for (const key of path) {
    if (node === undefined || typeof node === 'string') return undefined;
    node = Array.isArray(node) ? node[Number(key)] : node[String(key)];
  }
  return node;
}

function describe(value: FormValue | undefined): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function toStripeError(issue: z.core.$ZodIssue, raw: FormObject): StripeApiError {
  const path = issue.path.map((k) => (typeof k === 'number' ? k : String(k)));
  if (issue.code === 'unrecognized_keys') return unknownParam(paramName([...path, issue.keys[0] ?? '']));
  const name = paramName(path);
  const value = valueAt(raw, issue.path);
  if (value === undefined) return missingParam(name);
  if (issue.code === 'invalid_value') {
    const options = issue.values.map(String);
    const list = options.length > 1 ? `${options.slice(0, -1).join(', ')}, or ${options.at(-1)}` : options.join('');
    return invalidParam(name, `Invalid ${String(path.at(-1))}: must be one of ${list}`);
  }
  if (issue.code === 'too_small' || issue.code === 'too_big' || issue.code === 'custom') return invalidParam(name, `${issue.message} (${name})`);
  return invalidParam(name, `${issue.message}: ${describe(value)}`);
}

/** Parses decoded form values against a schema, throwing the first problem as Stripe would report it. */
export function parseParams<S extends z.ZodType>(schema: S, raw: FormObject): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  // Stripe names an unknown parameter before anything else that is wrong.
  const issues = result.error.issues;
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  if (!issue) throw invalidParam('', 'Invalid request');
  throw toStripeError(issue, raw);
}

/** Parameters that must not be sent together, with Stripe's message. */
export function exclusive(params: Record<string, unknown>, names: string[]): void {
  const given = names.filter((n) => params[n] !== undefined);
  if (given.length > 1) {
    throw invalidParam(given[1] as string, `You may only specify one of these parameters: ${names.join(', ')}.`);
  }
}

/** Applies a metadata update: new keys are set, empty values remove keys, null clears everything. */
export function mergeMetadata(current: Record<string, string> | null, update: Record<string, string> | undefined | null): Record<string, string> {
  if (update === null) return {};
  const next = { ...(current ?? {}) };
  if (!update) return next;
  for (const [k, v] of Object.entries(update)) {
    if (v === '') delete next[k];
    else next[k] = v;
  }
  return next;
}
