// How settings override the limits each adapter declares (ChatPlatform.defaultLimits).
import type { PlatformName } from '../types';
import type { PlatformLimits, PlatformWindows } from './chat-platform';

/** Settings that replace some of a platform's windows, as config.ts reads them. */
export type RateOverrides = Partial<Record<PlatformName, PlatformWindows>>;

/**
 * A platform's limits: its adapter's declaration with every window a setting names replaced
 * (route windows one route at a time). The scopes its 429s name are the adapter's alone.
 */
export function resolveLimits(defaults: PlatformLimits, overrides: PlatformWindows | undefined): PlatformLimits {
  if (!overrides) return defaults;
  const perRoute = overrides.perRoute ? { ...defaults.perRoute, ...overrides.perRoute } : defaults.perRoute;
  return {
    ...defaults,
    overall: overrides.overall ?? defaults.overall,
    perTenant: overrides.perTenant ?? defaults.perTenant,
    perChat: overrides.perChat ?? defaults.perChat,
    perGroup: overrides.perGroup ?? defaults.perGroup,
    perRoute,
  };
}
