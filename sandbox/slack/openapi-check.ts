// Checks Web API answers against Slack's OpenAPI 2 spec (sandbox/specs/slack-web-openapi.json) and
// events against its AsyncAPI spec (slack-events-api.json): field names, required fields, JSON types,
// enums and id patterns, through $ref, allOf/oneOf/anyOf and the spec's `items: [..]` alternatives
// (the walk is sandbox/base/schema-walk.ts).
import { readFileSync } from 'node:fs';
import { type Schema, SchemaWalker } from '../base/schema-walk';

export const slackWebSpecPath = new URL('../specs/slack-web-openapi.json', import.meta.url);
export const slackEventsSpecPath = new URL('../specs/slack-events-api.json', import.meta.url);

/**
 * Where the spec is known to be wrong about what Slack sends, each with why; problems at these
 * paths are not reported. Keep it short.
 */
const ERRATA: { path: RegExp; why: string }[] = [
  // The spec types chat.update's message.blocks as an object; Slack sends (and its own docs show) an array.
  { path: /^chat\.update\.message\.blocks: is array/, why: 'blocks are an array' },
];

/** Validates Web API answers against the spec; `check` returns the problems found (none: it conforms). */
export class SlackSpecChecker {
  private readonly paths: Record<string, Record<string, { responses: Record<string, { schema: Schema }> }>>;
  private readonly walker: SchemaWalker;
  private readonly eventWalker: SchemaWalker;
  private readonly eventWrapper: Schema;

  constructor(webPath: string | URL = slackWebSpecPath, eventsPath: string | URL = slackEventsSpecPath) {
    const web = JSON.parse(readFileSync(webPath, 'utf8')) as { paths: SlackSpecChecker['paths']; definitions: Record<string, Schema> };
    this.paths = web.paths;
    this.walker = new SchemaWalker({ refs: (ref) => web.definitions[ref.replace('#/definitions/', '')], errata: ERRATA });
    const events = JSON.parse(readFileSync(eventsPath, 'utf8')) as { components: { schemas: Record<string, Schema> } };
    this.eventWalker = new SchemaWalker({ refs: (ref) => events.components.schemas[ref.replace('#/components/schemas/', '')], errata: ERRATA });
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
