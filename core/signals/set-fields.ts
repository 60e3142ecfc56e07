// Copies only the optional fields that are set, so an absent value stays absent rather than null or [].

type SetFields<T> = { [K in keyof T]?: Exclude<T[K], null | undefined> };

/** The fields of `source` that hold a value: null, undefined and empty lists are left out. */
export function setFields<T extends object>(source: T): SetFields<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    out[key] = value;
  }
  return out as SetFields<T>;
}
