// A secret value (a tenant's bot token) that prints as "[redacted]" wherever it goes: logs, JSON, errors.
import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * Holds a secret so that nothing shows it by accident: String(), template strings, JSON.stringify,
 * util.inspect and console.log all give "[redacted]", and the value sits in a private field no
 * serializer walks. `reveal()` is the one way to the value: call it only where the value is sent
 * (an API call's Authorization header), never to build a message.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself, for the one call that needs it. */
  reveal(): string {
    return this.#value;
  }

  /** Whether it holds the same value as `other` (the values never leave the two objects). */
  equals(other: Secret): boolean {
    return this.#value === other.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }
}
