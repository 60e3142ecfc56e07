// What one platform adds to the sandbox console: its part of the page and the form actions behind it.

/** What a form action asks the page to show next: query parameters to set (or drop, with null) and a notice. */
export interface ConsoleOutcome {
  query?: Record<string, string | null>;
  notice?: string;
}

/**
 * One platform's part of the console (Telegram today; Discord, Slack and WhatsApp add their own).
 * Forms post to `/<id>/<action>?<the page's query>`; after the action the console redirects (303)
 * back to the page with the query kept, so each section keeps its state (e.g. who you are) there.
 */
export interface ConsoleSection {
  /** The path segment of the section's actions, e.g. 'telegram'. */
  readonly id: string;
  readonly title: string;
  /** The section's HTML for the page at `query` (escaped by the section). `actionUrl` builds form actions. */
  render(query: URLSearchParams, actionUrl: (action: string) => string): string;
  /** Runs one form action; throws ConsoleInputError for bad input or a refusal. */
  act(action: string, form: URLSearchParams, query: URLSearchParams): ConsoleOutcome;
}

/** Bad form input (400), a form from another site (403), no such thing (404) or an action the emulated world refuses (409): shown to the person, nothing changed. */
export class ConsoleInputError extends Error {
  constructor(message: string, readonly status: 400 | 403 | 404 | 409 = 400) {
    super(message);
    this.name = 'ConsoleInputError';
  }
}
