// How a subscriber's symbol filter matches a signal's symbol: the exact symbol, or its base asset before a known quote.

/**
 * Quote currencies and contract suffixes that may follow a base asset: "BTC" matches BTCUSDT,
 * BTCUSD, BTC-PERP, BTC/USDT and BTCUSDT-PERP, but not BTCDOWNUSDT (its base is BTCDOWN).
 */
export const QUOTE_SUFFIXES = ['USDT', 'USDC', 'BUSD', 'FDUSD', 'USD', 'EUR', 'GBP', 'JPY', 'BTC', 'ETH'] as const;

/** Contract suffixes after the quote (or straight after the base): BTC-PERP, BTCUSDT-PERP. */
const CONTRACT_SUFFIXES = ['PERP'] as const;

/** Separators people and exchanges put between base and quote; ignored when comparing. */
const SEPARATORS = /[-/_:.\s]/g;

/** Upper case without separators: "btc/usdt" and "BTC-USDT" are both "BTCUSDT". */
export function compactSymbol(symbol: string): string {
  return symbol.toUpperCase().replace(SEPARATORS, '');
}

function stripped(symbol: string, suffixes: readonly string[]): string[] {
  const out: string[] = [];
  for (const suffix of suffixes) {
    if (symbol.length > suffix.length && symbol.endsWith(suffix)) out.push(symbol.slice(0, -suffix.length));
  }
  return out;
}

/**
 * Every form of a symbol a filter entry may name, compacted: the symbol itself, it without a
 * contract suffix, and each of those without a known quote ("BTC-USDT-PERP": BTCUSDTPERP, BTCUSDT,
 * BTC). Computed once per signal.
 */
export function symbolForms(symbol: string): string[] {
  const whole = compactSymbol(symbol);
  const forms = new Set([whole]);
  const uncontracted = [whole, ...stripped(whole, CONTRACT_SUFFIXES)];
  for (const form of uncontracted) {
    forms.add(form);
    for (const base of stripped(form, QUOTE_SUFFIXES)) forms.add(base);
  }
  return [...forms];
}

/** A filter's entries, compacted, for set lookups: computed once per filter list. */
export function symbolFilterSet(entries: readonly string[]): ReadonlySet<string> {
  return new Set(entries.map(compactSymbol).filter((e) => e.length > 0));
}

/** Whether a filter (as symbolFilterSet made it) takes a signal with these symbolForms. */
export function filterTakes(filter: ReadonlySet<string>, forms: readonly string[]): boolean {
  for (const form of forms) if (filter.has(form)) return true;
  return false;
}
