// Checks Bot API objects against the machine-readable spec (sandbox/specs/telegram-bot-api.json):
// field names, JSON types, required fields and the constant values ("always \"member\"").
import { readFileSync } from 'node:fs';

export interface SpecField {
  name: string;
  types: string[];
  required: boolean;
  description: string;
}

export interface SpecType {
  name: string;
  fields?: SpecField[];
  subtypes?: string[];
}

export interface SpecMethod {
  name: string;
  returns: string[];
  fields?: SpecField[];
}

export interface BotApiSpec {
  version: string;
  methods: Record<string, SpecMethod>;
  types: Record<string, SpecType>;
}

/** The vendored spec (sandbox/specs, with its licence beside it). */
export const botApiSpecPath = new URL('../specs/telegram-bot-api.json', import.meta.url);

export function loadBotApiSpec(path: string | URL = botApiSpecPath): BotApiSpec {
  return JSON.parse(readFileSync(path, 'utf8')) as BotApiSpec;
}

const CONSTANT = /always ["“]([^"”]+)["”]/i;

export class SpecValidator {
  /** Every spec type a check has matched a value against, for coverage assertions. */
  readonly seen = new Set<string>();

  constructor(private readonly spec: BotApiSpec) {}

  /** Problems with `value` as one of `types` (e.g. ["Integer", "String"]); empty when it conforms. */
  check(types: string | string[], value: unknown, path = '$'): string[] {
    const options = Array.isArray(types) ? types : [types];
    let best: string[] | undefined;
    for (const type of options) {
      const errors = this.checkOne(type, value, path);
      if (errors.length === 0) return [];
      if (!best || errors.length < best.length) best = errors;
    }
    return best ?? [`${path}: no type to check against`];
  }

  /** Problems with what a method returned. */
  checkResult(method: string, result: unknown): string[] {
    const spec = this.method(method);
    return spec ? this.check(spec.returns, result, `${method}()`) : [`${method}: not a Bot API method`];
  }

  /** Problems with the parameters a client sent: unknown names, missing required ones, wrong types. */
  checkParams(method: string, params: Record<string, unknown>): string[] {
    const spec = this.method(method);
    if (!spec) return [`${method}: not a Bot API method`];
    const fields = spec.fields ?? [];
    const errors: string[] = [];
    for (const [name, value] of Object.entries(params)) {
      const field = fields.find((f) => f.name === name);
      if (!field) errors.push(`${method}.${name}: not a parameter of ${spec.name}`);
      else errors.push(...this.check(field.types.map((t) => (t === 'InputFile' ? 'String' : t)), value, `${method}.${name}`));
    }
    for (const field of fields) if (field.required && !(field.name in params)) errors.push(`${method}.${field.name}: required parameter is missing`);
    return errors;
  }

  private method(name: string): SpecMethod | undefined {
    return Object.values(this.spec.methods).find((m) => m.name.toLowerCase() === name.toLowerCase());
  }

  private checkOne(type: string, value: unknown, path: string): string[] {
    if (value === null) return [`${path}: null (Telegram leaves absent fields out)`];
    if (type.startsWith('Array of ')) {
      if (!Array.isArray(value)) return [`${path}: expected ${type}, got ${typeof value}`];
      return value.flatMap((item, i) => this.check(type.slice('Array of '.length), item, `${path}[${i}]`));
    }
    switch (type) {
      case 'Integer':
        return Number.isSafeInteger(value) ? [] : [`${path}: expected Integer, got ${JSON.stringify(value)}`];
      case 'Float':
        return typeof value === 'number' && Number.isFinite(value) ? [] : [`${path}: expected Float, got ${JSON.stringify(value)}`];
      case 'String':
        return typeof value === 'string' ? [] : [`${path}: expected String, got ${JSON.stringify(value)}`];
      case 'Boolean':
        return typeof value === 'boolean' ? [] : [`${path}: expected Boolean, got ${JSON.stringify(value)}`];
      case 'True':
        return value === true ? [] : [`${path}: expected True, got ${JSON.stringify(value)}`];
    }
    const spec = this.spec.types[type];
    if (!spec) return [`${path}: unknown type ${type}`];
    if (spec.subtypes) return this.checkUnion(spec, value, path);
    return this.checkObject(spec, value, path);
  }

  private checkUnion(spec: SpecType, value: unknown, path: string): string[] {
    const subtypes = spec.subtypes ?? [];
    // A subtype with a constant field (status "kicked", type "user") is chosen by it.
    if (value && typeof value === 'object') {
      for (const name of subtypes) {
        for (const field of this.spec.types[name]?.fields ?? []) {
          const constant = CONSTANT.exec(field.description)?.[1];
          if (constant !== undefined && (value as Record<string, unknown>)[field.name] === constant) return this.check(name, value, path);
        }
      }
    }
    const errors = this.check(subtypes, value, path);
    return errors.length === 0 ? [] : [`${path}: matches no kind of ${spec.name}; closest: ${errors.join('; ')}`];
  }

  private checkObject(spec: SpecType, value: unknown, path: string): string[] {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected a ${spec.name} object, got ${JSON.stringify(value)}`];
    const record = value as Record<string, unknown>;
    const fields = spec.fields ?? [];
    const errors: string[] = [];
    for (const key of Object.keys(record)) {
      if (!fields.some((f) => f.name === key)) errors.push(`${path}.${key}: not a field of ${spec.name}`);
    }
    for (const field of fields) {
      const fieldPath = `${path}.${field.name}`;
      if (!(field.name in record)) {
        if (field.required) errors.push(`${fieldPath}: required field of ${spec.name} is missing`);
        continue;
      }
      errors.push(...this.check(field.types, record[field.name], fieldPath));
      const constant = CONSTANT.exec(field.description)?.[1];
      if (constant !== undefined && record[field.name] !== constant) errors.push(`${fieldPath}: must be "${constant}", got ${JSON.stringify(record[field.name])}`);
    }
    if (errors.length === 0) this.seen.add(spec.name);
    return errors;
  }
}
