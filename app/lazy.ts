// A library only some settings use (a chat SDK, Stripe, openai, the chart's renderer), imported on first need and then kept:
// `load()` before the synchronous composition, `get()` inside it.
import { SignalcastError } from '../core/errors';

export interface Lazy<T> {
  /** Imports it (once; later calls share the same import). */
  load(): Promise<T>;
  /** The imported module; throws internal naming it when `load()` has not finished (a composition that skipped loadLibraries). */
  get(): T;
  readonly loaded: boolean;
}

/** `what` names it in the error of a `get()` before `load()`: "the Discord adapter". */
export function lazy<T>(what: string, importIt: () => Promise<T>): Lazy<T> {
  let value: T | undefined;
  let loading: Promise<T> | undefined;
  return {
    load: () => (loading ??= importIt().then((module) => (value = module))),
    get: () => {
      if (value === undefined) throw new SignalcastError('internal', `${what} is not loaded: load the configured libraries (loadLibraries, app/libraries.ts) before composing the service`);
      return value;
    },
    get loaded() {
      return value !== undefined;
    },
  };
}
