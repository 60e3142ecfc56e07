// Builds the configured platforms' adapters from the table, and starts and stops them without one blocking another.
import { AdapterStartError } from '../../core/platform/errors';
import type { AdapterContext, PlatformAdapter } from '../../core/platform/adapter';
import type { EventHandler } from '../../core/inbound/types';
import type { Logger } from '../../core/logger';
import { createScrubber } from '../../core/scrub';
import type { PlatformName } from '../../core/types';
import type { Config } from '../../config';
import { createPlatformStarter, type PlatformStarter } from '../platform-starter';
import type { AdapterRow } from './table';

export type RunningAdapters = ReadonlyMap<PlatformName, PlatformAdapter>;

/** Every row whose settings are configured, built (nothing contacted). A bad setting throws config_invalid naming it. */
export function buildAdapters(rows: readonly AdapterRow[], config: Config, ctx: Omit<AdapterContext, 'platforms'>): RunningAdapters {
  const configured = rows.flatMap((row) => {
    const settings = row.settings(config);
    return settings === null ? [] : [{ row, settings }];
  });
  const platforms = configured.map(({ row }) => row.name);
  return new Map(configured.map(({ row, settings }) => [row.name, row.create(settings, { ...ctx, platforms })]));
}

/** Scrubs recognisable secret shapes (tokens inside URLs) from an unexpected error's words. */
const scrubSecrets = createScrubber([]);

/** An attempt's failure: an adapter's own words, or a message without secrets. */
function classify(err: unknown): { permanent: boolean; cause: string } {
  if (err instanceof AdapterStartError) return err.failure;
  return { permanent: false, cause: scrubSecrets(err instanceof Error ? err.message : String(err)) };
}

/** Each adapter's background starter, its /readyz check, and start / stop for all of them at once. */
export function startersFor(adapters: RunningAdapters, onEvent: EventHandler, logger: Logger): {
  checks: Record<string, () => string>;
  start(): Promise<void>;
  stop(): Promise<void>;
} {
  const starters: PlatformStarter[] = [];
  const checks: Record<string, () => string> = {};
  for (const adapter of adapters.values()) {
    const starter = createPlatformStarter({
      name: adapter.name,
      attempt: (signal) => adapter.start(onEvent, signal),
      classify,
      logger: logger.child({ component: adapter.name }),
    });
    starters.push(starter);
    checks[adapter.name] = () => {
      const status = starter.status();
      return status === 'ok' ? (adapter.receiveFailure?.() ?? 'ok') : status;
    };
  }
  return {
    checks,
    // Side by side: a platform that hangs never holds another's start.
    start: async () => void (await Promise.all(starters.map((s) => s.start()))),
    stop: async () => void (await Promise.all(starters.map((s) => s.stop()))),
  };
}
