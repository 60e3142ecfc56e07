// Walks a JSON value through a JSON schema taken from a vendored API spec (Discord's OpenAPI 3, Slack's
// OpenAPI 2 and AsyncAPI), listing each problem as "path: what is wrong": field names, required
// fields, JSON types, enums, consts and patterns, through $ref, allOf and oneOf/anyOf. The specs'
// checkers (sandbox/discord/openapi-check.ts, sandbox/slack/openapi-check.ts) say how refs resolve.

/** The part of a JSON schema the walker reads. */
export type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema | Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  additionalProperties?: boolean | Schema;
};

export type SchemaWalkOptions = {
  /** The schema a `$ref` names, or undefined when the spec has none (the walk then throws). */
  refs: (ref: string) => Schema | undefined;
  /**
   * Whether a field the schema does not list is a problem when the schema says nothing of
   * `additionalProperties`: JSON Schema allows it (false, the default); Discord's spec lists every field (true).
   */
  closedByDefault?: boolean;
  /** Where the spec is known to be wrong about what the service sends, each with why: problems at these paths are not reported. */
  errata?: readonly { path: RegExp; why: string }[];
};

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Checks values against one spec's schemas; `check` returns the problems found (none: it conforms). */
export class SchemaWalker {
  constructor(private readonly options: SchemaWalkOptions) {}

  /** Problems with `value` as `schema`, each path starting at `path`. */
  check(schema: Schema, value: unknown, path: string): string[] {
    const errata = this.options.errata ?? [];
    return this.walk(schema, value, path).filter((p) => !errata.some((e) => e.path.test(p)));
  }

  private resolve(schema: Schema): Schema {
    let current = schema;
    while (current.$ref) {
      const next = this.options.refs(current.$ref);
      if (!next) throw new Error(`unresolved ${current.$ref}`);
      current = next;
    }
    return current;
  }

  private walk(raw: Schema, value: unknown, path: string): string[] {
    const schema = this.resolve(raw);
    const problems: string[] = [];
    for (const part of schema.allOf ?? []) problems.push(...this.walk(part, value, path));
    // Slack's spec writes some alternatives as `items: [a, b]` (tuple syntax) where it means one of them.
    const alternatives = schema.oneOf ?? schema.anyOf ?? (Array.isArray(schema.items) ? schema.items : undefined);
    if (alternatives) {
      const results = alternatives.map((alt) => this.walk(alt, value, path));
      if (!results.some((r) => r.length === 0)) problems.push(`${path}: matches none of ${alternatives.length} alternatives (${results.map((r) => r[0]).join(' | ')})`);
    }
    if (schema.type !== undefined) {
      const allowed = Array.isArray(schema.type) ? schema.type : [schema.type];
      const actual = typeOf(value);
      if (!(allowed.includes(actual) || (actual === 'integer' && allowed.includes('number')))) return [...problems, `${path}: is ${actual}, the spec says ${allowed.join(' or ')}`];
    }
    if (schema.enum && !schema.enum.includes(value)) problems.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
    if ('const' in schema && value !== schema.const) problems.push(`${path}: ${JSON.stringify(value)} is not ${JSON.stringify(schema.const)}`);
    if (schema.pattern && typeof value === 'string' && !new RegExp(schema.pattern).test(value)) problems.push(`${path}: "${value}" does not match ${schema.pattern}`);
    const items = schema.items;
    if (Array.isArray(value) && items && !Array.isArray(items)) value.forEach((item, i) => problems.push(...this.walk(items, item, `${path}[${i}]`)));
    if (schema.properties && value !== null && typeof value === 'object' && !Array.isArray(value)) problems.push(...this.fields(schema, value as Record<string, unknown>, path));
    return problems;
  }

  private fields(schema: Schema, record: Record<string, unknown>, path: string): string[] {
    const problems: string[] = [];
    const closed = schema.additionalProperties === false || (schema.additionalProperties === undefined && this.options.closedByDefault === true);
    for (const name of schema.required ?? []) if (!(name in record)) problems.push(`${path}.${name}: required, missing`);
    for (const [name, field] of Object.entries(record)) {
      const fieldSchema = schema.properties?.[name];
      if (fieldSchema) problems.push(...this.walk(fieldSchema, field, `${path}.${name}`));
      else if (closed) problems.push(`${path}.${name}: not a field of the spec`);
    }
    return problems;
  }
}
