// The UTC day a moment falls on, as "YYYY-MM-DD": the daily cap counts per account per UTC day.

export function utcDayOf(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** The first millisecond of the UTC day `at` falls on. */
export function utcDayStart(at: number): number {
  return at - (((at % 86_400_000) + 86_400_000) % 86_400_000);
}
