// Turns zod's issues into FieldIssues with one wording everywhere: `reasons[1]: expected at least 1 character`.
import type { z } from 'zod';
import type { FieldIssue } from '../errors';

type Path = readonly PropertyKey[];

/** `['plans', 2, 'delayMinutes']` -> `plans[2].delayMinutes`; the empty path is `(input)`. */
export function formatPath(path: Path): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(input)' : out;
}

function valueAt(input: unknown, path: Path): unknown {
  let current = input;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part as string];
  }
  return current;
}

function describeType(expected: string): string {
  switch (expected) {
    case 'int':
      return 'a whole number';
    case 'array':
      return 'a list';
    case 'object':
      return 'an object';
    case 'number':
    case 'string':
    case 'boolean':
      return `a ${expected}`;
    default:
      return expected;
  }
}

function bound(issue: { origin?: unknown; inclusive?: boolean }, value: unknown, side: 'min' | 'max'): string {
  const n = Number(value);
  switch (issue.origin) {
    case 'string':
      return side === 'min' ? `expected at least ${n} character${n === 1 ? '' : 's'}` : `expected at most ${n} characters`;
    case 'array':
      return side === 'min' ? `expected at least ${n} item${n === 1 ? '' : 's'}` : `expected at most ${n} items`;
    default: {
      const op = side === 'min' ? (issue.inclusive === false ? '>' : '>=') : issue.inclusive === false ? '<' : '<=';
      return `expected a number ${op} ${n}`;
    }
  }
}

/**
 * One FieldIssue per problem, unknown keys named one by one. `input` is what was
 * parsed, so a missing field says "required" rather than "expected a string".
 */
export function toFieldIssues(error: z.ZodError, input: unknown, prefix: Path = []): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path];
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) out.push({ field: formatPath([...path, key]), message: 'unknown field' });
        break;
      case 'invalid_type': {
        const missing = valueAt(input, issue.path) === undefined;
        out.push({ field: formatPath(path), message: missing ? `required: ${describeType(issue.expected)}` : `expected ${describeType(issue.expected)}` });
        break;
      }
      case 'too_small':
        out.push({ field: formatPath(path), message: bound(issue, issue.minimum, 'min') });
        break;
      case 'too_big':
        out.push({ field: formatPath(path), message: bound(issue, issue.maximum, 'max') });
        break;
      case 'invalid_value': {
        const missing = valueAt(input, issue.path) === undefined;
        out.push({ field: formatPath(path), message: `${missing ? 'required: ' : 'expected '}one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` });
        break;
      }
      default:
        out.push({ field: formatPath(path), message: issue.message });
    }
  }
  return out;
}

/** The most problems an error answer lists; the rest are counted. */
export const MAX_LISTED_ISSUES = 25;

/** The first `max` issues and how many more there were, so an error answer stays small whatever the input. */
export function limitIssues(issues: readonly FieldIssue[], max = MAX_LISTED_ISSUES): { listed: FieldIssue[]; more: number } {
  return { listed: issues.slice(0, max), more: Math.max(0, issues.length - max) };
}
