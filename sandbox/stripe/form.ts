// Decodes Stripe's form encoding (bracket keys: `line_items[0][price]`, `metadata[plan]`, `expand[]`)
// into nested objects and arrays, the way the API reads the bodies stripe-node sends.

export type FormValue = string | FormValue[] | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

/** A body or query that cannot be read as a form; the API answers it with a 400. */
export class FormDecodeError extends Error {
  constructor(
    message: string,
    readonly param: string,
  ) {
    super(message);
    this.name = 'FormDecodeError';
  }
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 8;

/** "line_items[0][price]" -> ["line_items", "0", "price"]; "expand[]" -> ["expand", ""]. */
export function splitKey(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0) return [key];
  const parts = [key.slice(0, open)];
  const rest = key.slice(open);
  const re = /\[([^[\]]*)\]/g;
  let consumed = 0;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    if (m.index !== consumed) break;
    parts.push(m[1] ?? '');
    consumed = re.lastIndex;
  }
  if (consumed !== rest.length) throw new FormDecodeError(`Invalid parameter name: ${key}`, key);
  return parts;
}

/** ["line_items", 0, "price"] -> "line_items[0][price]", the way Stripe names a parameter in errors. */
export function paramName(path: readonly (string | number)[]): string {
  const [head, ...rest] = path;
  return `${String(head ?? '')}${rest.map((p) => `[${String(p)}]`).join('')}`;
}

/** Containers are built as keyed maps first; a map whose keys came from `[N]` or `[]` becomes an array. */
interface Node {
  array: boolean;
  entries: Map<string, Node | string>;
}

function newNode(array: boolean): Node {
  return { array, entries: new Map() };
}

function finish(node: Node): FormValue {
  if (node.array) {
    return [...node.entries.entries()]
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, v]) => (typeof v === 'string' ? v : finish(v)));
  }
  const out: FormObject = {};
  for (const [k, v] of node.entries) out[k] = typeof v === 'string' ? v : finish(v);
  return out;
}

function insert(root: Node, key: string, value: string): void {
  const parts = splitKey(key);
  if (parts.length > MAX_DEPTH) throw new FormDecodeError(`Parameter nested too deeply: ${key}`, key);
  let node = root;
  for (let i = 0; i < parts.length; i++) {
    let part = parts[i] as string;
    if (FORBIDDEN.has(part)) throw new FormDecodeError(`Invalid parameter name: ${key}`, key);
    if (node.array) {
      if (part === '') part = String(node.entries.size);
      else if (!/^\d+$/.test(part)) throw new FormDecodeError(`Invalid array: ${paramName(parts.slice(0, i))}`, paramName(parts.slice(0, i)));
    }
    const last = i === parts.length - 1;
    if (last) {
      node.entries.set(part, value);
      return;
    }
    const next = parts[i + 1] as string;
    const existing = node.entries.get(part);
    if (typeof existing === 'string') throw new FormDecodeError(`Invalid hash: ${paramName(parts.slice(0, i + 1))}`, paramName(parts.slice(0, i + 1)));
    const child = existing ?? newNode(next === '' || /^\d+$/.test(next));
    node.entries.set(part, child);
    node = child;
  }
}

/** Decodes a urlencoded body or query string (or already split pairs) into nested values. */
export function decodeForm(input: string | URLSearchParams): FormObject {
  const pairs = typeof input === 'string' ? new URLSearchParams(input) : input;
  const root = newNode(false);
  for (const [key, value] of pairs) {
    if (key === '') continue;
    insert(root, key, value);
  }
  return finish(root) as FormObject;
}
