// Keeps secrets out of text: known values (as written, JSON-escaped, URL-encoded) and recognisable secret shapes.

/** Secret shapes recognised even when their value is not known (keys made by the CLI, tokens inside URLs). */
const SECRET_PATTERNS: [RegExp, string][] = [
  [/\bsc_[0-9A-Za-z]{32,}/g, 'sc_[REDACTED]'],
  [/\bbot\d+:[A-Za-z0-9_-]{20,}/g, 'bot[REDACTED]'],
  [/\b(sk|rk|pk)_(test|live)_[0-9A-Za-z]+/g, '$1_$2_[REDACTED]'],
  [/\bwhsec_[0-9A-Za-z]+/g, 'whsec_[REDACTED]'],
  [/\b(Bearer|Bot)\s+[A-Za-z0-9._~+/=-]{20,}/g, '$1 [REDACTED]'],
];

/** Values shorter than this are not scrubbed by value: they would blank out ordinary words and numbers. */
const MIN_SECRET_LENGTH = 6;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A function that replaces every known secret value (as written, and as JSON
 * escapes it) and every recognisable secret shape with "[REDACTED]".
 */
export function createScrubber(secrets: readonly string[]): (text: string) => string {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s.length < MIN_SECRET_LENGTH) continue;
    forms.add(s);
    forms.add(JSON.stringify(s).slice(1, -1));
    forms.add(encodeURIComponent(s));
  }
  const byValue = forms.size
    ? new RegExp([...forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g')
    : undefined;
  return (text) => {
    let out = byValue ? text.replace(byValue, '[REDACTED]') : text;
    for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
    return out;
  };
}
