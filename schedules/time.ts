// Times for the jobs: a daily HH:MM setting as a cron expression, and days and dates in the operator's time zone.

/** "daily at 08:30" as cron: "30 8 * * *" (in the time zone the registry gives node-cron). */
export function dailyAt(at: { hour: number; minute: number }): string {
  return `${at.minute} ${at.hour} * * *`;
}

/** The calendar day (YYYY-MM-DD) of `at` in `timeZone`. */
export function dayIn(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** A date for people: "9 Dec 2026" in `timeZone`. */
export function dateIn(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short', year: 'numeric' }).format(at);
}

/** A date and time for people: "6 Dec 2026, 08:30" in `timeZone`. */
export function dateTimeIn(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

/** Lets other work (a publish, a send) run between two batches of a long job. */
export function yieldToOthers(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
