// Checks Web API answers against Slack's OpenAPI 2 spec (sandbox/specs/slack-web-openapi.json) and
// events against its AsyncAPI spec (slack-events-api.json): field names, required fields, JSON types,
// enums and id patterns, through $ref, allOf/oneOf/anyOf and the spec's `items: [..]` alternatives.
import { readFileSync } from 'node:fs';

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema | Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  pattern?: string;
  additionalProperties?: boolean | Schema;
};

export const slackWebSpecPath = new URL('../specs/slack-web-openapi.json', import.meta.url);
export const slackEventsSpecPath = new URL('../specs/slack-events-api.json', import.meta.url);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/**
 * Where the spec is known to be wrong about what Slack sends, each with why; problems at these
 * paths are not reported. Keep it short.
 */
const ERRATA: { path: RegExp; why: string }[] = [
  // The spec types chat.update's message.blocks as an object; Slack sends (and its own docs show) an array.
  { path: /^chat\.update\.message\.blocks: is array/, why: 'blocks are an array' },
];

class SchemaWalker {
  constructor(private readonly refs: (ref: string) => Schema | undefined) {}

  check(schema: Schema, value: unknown, path: string): string[] {
    return this.walk(schema, value, path).filter((p) => !ERRATA.some((e) => e.path.test(p)));
  }

  private resolve(schema: Schema): Schema {
    let current = schema;
    while (current.$ref) {
      const next = this.refs(current.$ref);
      if (!next) throw new Error(`unresolved ${current.$ref}`);
      current = next;
    }
    return current;
  }

  private walk(raw: Schema, value: unknown, path: string): string[] {
    const schema = this.resolve(raw);
    const problems: string[] = [];
    for (const part of schema.allOf ?? []) problems.push(...this.walk(part, value, path));
    // The spec writes some alternatives as `items: [a, b]` (tuple syntax) where it means one of them.
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
    if (schema.pattern && typeof value === 'string' && !new RegExp(schema.pattern).test(value)) problems.push(`${path}: "${value}" does not match ${schema.pattern}`);
    if (Array.isArray(value) && schema.items && !Array.isArray(schema.items)) {
      const items = schema.items;
      value.forEach((item, i) => problems.push(...this.walk(items, item, `${path}[${i}]`)));
    }
    if (schema.properties && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const record = value as Record<string, unknown>;
      for (const name of schema.required ?? []) if (!(name in record)) problems.push(`${path}.${name}: required, missing`);
      for (const [name, field] of Object.entries(record)) {
        const fieldSchema = schema.properties[name];
        if (fieldSchema) problems.push(...this.walk(fieldSchema, field, `${path}.${name}`));
        else if (schema.additionalProperties === false) problems.push(`${path}.${name}: not a field of the spec`);
      }
    }
    return problems;
  }
}

/** Validates Web API answers against the spec; `check` returns the problems found (none: it conforms). */
export class SlackSpecChecker {
  private readonly paths: Record<string, Record<string, { responses: Record<string, { schema: Schema }> }>>;
  private readonly walker: SchemaWalker;
  private readonly eventWalker: SchemaWalker;
  private readonly eventWrapper: Schema;

  constructor(webPath: string | URL = slackWebSpecPath, eventsPath: string | URL = slackEventsSpecPath) {
    const web = JSON.parse(readFileSync(webPath, 'utf8')) as { paths: SlackSpecChecker['paths']; definitions: Record<string, Schema> };
    this.paths = web.paths;
    this.walker = new SchemaWalker((ref) => web.definitions[ref.replace('#/definitions/', '')]);
    const events = JSON.parse(readFileSync(eventsPath, 'utf8')) as { components: { schemas: Record<string, Schema> } };
    this.eventWalker = new SchemaWalker((ref) => events.components.schemas[ref.replace('#/components/schemas/', '')]);
    this.eventWrapper = { $ref: '#/components/schemas/GenericEventWrapper' };
  }

  /** Problems with a method's answer: its success schema when `ok` is true, else its error schema (the error's name left out: the spec's lists are incomplete). */
  check(method: string, body: unknown): string[] {
    const operations = this.paths[`/${method}`];
    if (!operations) throw new Error(`no method ${method} in the Slack spec`);
    const operation = Object.values(operations)[0]!;
    const ok = (body as { ok?: unknown } | null)?.ok === true;
    const schema = ok ? operation.responses['200']!.schema : operation.responses.default!.schema;
    const problems = this.walker.check(schema, body, method);
    return ok ? problems : problems.filter((p) => !p.startsWith(`${method}.error: `));
  }

  /** Problems with an Events API envelope (event_callback). */
  checkEvent(envelope: unknown): string[] {
    return this.eventWalker.check(this.eventWrapper, envelope, 'event');
  }
}
