// Checks the buttons of a testchat message: rows of links ({label, url}) and actions ({label, data}).

/** A button as testchat's protocol writes it. */
export type WireButton = { label: string; url: string } | { label: string; data: string };

/**
 * The rows when well formed, undefined when there are none, or why not (a string). `supported`:
 * false when this testchat has no buttons, and any button is refused.
 */
export function checkButtons(raw: unknown, supported: boolean): WireButton[][] | undefined | string {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) return 'buttons must be rows of buttons';
  const rows: WireButton[][] = [];
  for (const row of raw as unknown[]) {
    if (!Array.isArray(row)) return 'buttons must be rows of buttons';
    const checked: WireButton[] = [];
    for (const b of row as unknown[]) {
      const button = (b ?? {}) as { label?: unknown; url?: unknown; data?: unknown };
      if (typeof button.label !== 'string' || !button.label.trim()) return 'every button needs a label';
      if (typeof button.url === 'string' && /^https?:\/\//.test(button.url)) checked.push({ label: button.label, url: button.url });
      else if (typeof button.data === 'string' && button.data.length > 0 && button.data.length <= 64) checked.push({ label: button.label, data: button.data });
      else return `button "${button.label}" needs an http(s) url or 1-64 characters of data`;
    }
    if (checked.length > 0) rows.push(checked);
  }
  if (rows.length === 0) return undefined;
  if (!supported) return 'buttons_unsupported: this chat app has no buttons';
  return rows;
}
