// A plan's `access:` list: each entry `{ <app>: { ... } }` read by that app's AccessSpec, given by the adapters; core knows no app's fields.
import { resourceKey, type AccessResource } from '../access/ports';
import type { AccessSpec } from '../platform/adapter';
import { PLATFORM_NAME_PATTERN, type PlatformName } from '../types';

/** A problem or a note about one field of one plan; `field` is relative to the plan ("access[1]", "oldField[0]"). */
export interface PlanFieldNote {
  field: string;
  message: string;
}

/** What a rewrite made of one plan as written: today's fields, and what it says about the older ones. */
export interface PlanRewrite {
  plan: Record<string, unknown>;
  /** Read, but should be written another way (or is ignored): printed by `plans check` and logged at start. */
  warnings: PlanFieldNote[];
  /** Cannot be read: the plans are refused. */
  errors?: PlanFieldNote[] | undefined;
}

/** Where a deprecated field's reader leaves what it says: warnings (read another way, or ignored) and errors (unreadable). */
export interface PlanFieldNotes {
  warnings: PlanFieldNote[];
  errors: PlanFieldNote[];
}

/** What a deprecated field's notes say about how long it is read. */
export const READ_THIS_RELEASE_ONLY = 'read for this release only';

/**
 * A plan field of an older format that one app reads (its row in the adapter table gives it): its
 * name, and what its value becomes in today's `access:` list, checked by that app's AccessSpec
 * (undefined when this build has none), with a warning or an error pushed for each one found.
 */
export interface DeprecatedPlanField {
  name: string;
  read(value: unknown, spec: AccessSpec | undefined, notes: PlanFieldNotes): unknown[];
}

/** What the plans loader needs from the adapters of this build (app/adapters builds it from its table). */
export interface PlanLoadOptions {
  /** How each app's access entries read, by app name. Without it (or an app missing from it) an access entry is an error. */
  access?: ReadonlyMap<PlatformName, AccessSpec> | undefined;
  /** Applied to each plan as written, before it is checked: reads fields of an older format into today's. */
  rewrite?: ((plan: Readonly<Record<string, unknown>>) => PlanRewrite) | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function appsIn(catalog: ReadonlyMap<PlatformName, AccessSpec>): string {
  return catalog.size === 0 ? 'it has none' : `it has: ${[...catalog.keys()].sort().join(', ')}`;
}

function exampleOf(catalog: ReadonlyMap<PlatformName, AccessSpec>): string {
  const first = [...catalog.values()][0];
  return first ? first.example : '{ <chat app>: { ... } }';
}

/** One entry: exactly one key, a chat app of this build, settings its spec accepts. */
function resolveEntry(entry: unknown, catalog: ReadonlyMap<PlatformName, AccessSpec>): { resource: AccessResource } | { error: string } {
  if (!isRecord(entry)) return { error: `expected an entry such as ${exampleOf(catalog)}` };
  const keys = Object.keys(entry);
  if (keys.length !== 1) {
    return keys.length === 0
      ? { error: `expected one chat app's name as the entry's only key, such as ${exampleOf(catalog)}` }
      : { error: `expected one chat app per entry, found ${keys.length} (${keys.join(', ')}): write each as its own entry` };
  }
  const platform = keys[0] as string;
  if (!PLATFORM_NAME_PATTERN.test(platform)) return { error: `"${platform}" is not a chat app's name (lowercase letters and digits)` };
  const spec = catalog.get(platform);
  if (!spec) return { error: `no chat app named "${platform}" in this build (${appsIn(catalog)})` };
  const parsed = spec.parse(entry[platform]);
  if (!parsed.ok) return { error: `${platform}: ${parsed.error}; for example ${spec.example}` };
  if (parsed.resource.platform !== platform) return { error: `${platform}: its spec gave a resource of "${parsed.resource.platform}"` };
  return { resource: parsed.resource };
}

/** Reads a plan's access list (already known to be an array); every bad entry is a note at "access[i]". */
export function resolveAccess(entries: readonly unknown[], catalog: ReadonlyMap<PlatformName, AccessSpec>): { resources: AccessResource[]; errors: PlanFieldNote[] } {
  const resources: AccessResource[] = [];
  const errors: PlanFieldNote[] = [];
  const seen = new Map<string, number>();
  entries.forEach((entry, i) => {
    const result = resolveEntry(entry, catalog);
    if ('error' in result) {
      errors.push({ field: `access[${i}]`, message: result.error });
      return;
    }
    const key = resourceKey(result.resource);
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({ field: `access[${i}]`, message: `the same place as access[${first}] (${key})` });
      return;
    }
    seen.set(key, i);
    resources.push(result.resource);
  });
  return { resources, errors };
}

/** The forms of an access entry the options' specs read, for `plans check`, each as its spec's `example`. */
export function accessForms(options: Pick<PlanLoadOptions, 'access'>): string[] {
  return [...(options.access?.values() ?? [])].map((spec) => spec.example);
}

/** "roomchat chat r1", "guildchat role 42 in g1": a resource in the words of `plans check`. */
export function describeResource(r: AccessResource): string {
  return `${r.platform} ${r.kind} ${r.id}${r.tenant ? ` in ${r.tenant}` : ''}`;
}
