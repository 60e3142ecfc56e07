// Checks a JSON value against a schema of Discord's OpenAPI spec (sandbox/specs/discord-openapi.json):
// field names, required fields, JSON types, enums, snowflake patterns, through $ref, oneOf and allOf
// (the walk is sandbox/base/schema-walk.ts).
import { readFileSync } from 'node:fs';
import { type Schema, SchemaWalker } from '../base/schema-walk';

/** The vendored spec (with its licence beside it). */
export const discordSpecPath = new URL('../specs/discord-openapi.json', import.meta.url);

/** Validates values against the spec's component schemas; `check` returns the problems found (none: it conforms). */
export class DiscordSpecChecker {
  private readonly schemas: Record<string, Schema>;
  private readonly walker: SchemaWalker;

  constructor(path: string | URL = discordSpecPath) {
    const spec = JSON.parse(readFileSync(path, 'utf8')) as { components: { schemas: Record<string, Schema> } };
    this.schemas = spec.components.schemas;
    // Discord's spec lists every field it sends, so a field it does not list is a problem.
    this.walker = new SchemaWalker({ refs: (ref) => this.schemas[ref.replace('#/components/schemas/', '')], closedByDefault: true });
  }

  /** Problems with `value` as the named schema, each as "path: what is wrong". */
  check(schemaName: string, value: unknown): string[] {
    if (!this.schemas[schemaName]) throw new Error(`no schema ${schemaName} in the Discord spec`);
    return this.walker.check({ $ref: `#/components/schemas/${schemaName}` }, value, schemaName);
  }
}
