// Checks a JSON value against a schema of Discord's OpenAPI spec (sandbox/specs/discord-openapi.json):
// field names, required fields, JSON types, enums, snowflake patterns, through $ref, oneOf and allOf.
import { readFileSync } from 'node:fs';

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  additionalProperties?: boolean | Schema;
};

/** The vendored spec (with its licence beside it). */
export const discordSpecPath = new URL('../specs/discord-openapi.json', import.meta.url);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Validates values against the spec's component schemas; `check` returns the problems found (none: it conforms). */
export class DiscordSpecChecker {
  private readonly schemas: Record<string, Schema>;

  constructor(path: string | URL = discordSpecPath) {
    const spec = JSON.parse(readFileSync(path, 'utf8')) as { components: { schemas: Record<string, Schema> } };
    this.schemas = spec.components.schemas;
  }

  /** Problems with `value` as the named schema, each as "path: what is wrong". */
  check(schemaName: string, value: unknown): string[] {
    if (!this.schemas[schemaName]) throw new Error(`no schema ${schemaName} in the Discord spec`);
    return this.walk({ $ref: `#/components/schemas/${schemaName}` }, value, schemaName);
  }

  private resolve(schema: Schema): Schema {
    let current = schema;
    while (current.$ref) {
      const name = current.$ref.replace('#/components/schemas/', '');
      const next = this.schemas[name];
      if (!next) throw new Error(`unresolved ${current.$ref}`);
      current = next;
    }
    return current;
  }

  private walk(raw: Schema, value: unknown, path: string): string[] {
    const schema = this.resolve(raw);
    const problems: string[] = [];
    for (const part of schema.allOf ?? []) problems.push(...this.walk(part, value, path));
    const alternatives = schema.oneOf ?? schema.anyOf;
    if (alternatives) {
      const results = alternatives.map((alt) => this.walk(alt, value, path));
      if (!results.some((r) => r.length === 0)) problems.push(`${path}: matches none of ${alternatives.length} alternatives (${results.map((r) => r[0]).join(' | ')})`);
    }
    if (schema.type !== undefined) {
      const allowed = Array.isArray(schema.type) ? schema.type : [schema.type];
      const actual = typeOf(value);
      const ok = allowed.includes(actual) || (actual === 'integer' && allowed.includes('number'));
      if (!ok) return [...problems, `${path}: is ${actual}, the spec says ${allowed.join(' or ')}`];
    }
    if (schema.enum && !schema.enum.includes(value)) problems.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
    if ('const' in schema && value !== schema.const) problems.push(`${path}: ${JSON.stringify(value)} is not ${JSON.stringify(schema.const)}`);
    if (schema.pattern && typeof value === 'string' && !new RegExp(schema.pattern).test(value)) problems.push(`${path}: "${value}" does not match ${schema.pattern}`);
    if (Array.isArray(value) && schema.items) value.forEach((item, i) => problems.push(...this.walk(schema.items!, item, `${path}[${i}]`)));
    if (schema.properties && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const record = value as Record<string, unknown>;
      for (const name of schema.required ?? []) if (!(name in record)) problems.push(`${path}.${name}: required, missing`);
      for (const [name, field] of Object.entries(record)) {
        const fieldSchema = schema.properties[name];
        if (!fieldSchema) {
          if (schema.additionalProperties === undefined || schema.additionalProperties === false) problems.push(`${path}.${name}: not a field of the spec`);
          continue;
        }
        problems.push(...this.walk(fieldSchema, field, `${path}.${name}`));
      }
    }
    return problems;
  }
}
