// Builds the rationale writer from the settings: the openai client's model (or none), the SQLite store, the background service.
import type { Config } from '../config';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import { RationaleService } from '../core/rationale/service';
import { createOpenAIModel } from '../content/openai-model';
import type { Db } from '../db/client';
import { SqliteRationaleStore } from '../db/stores/rationale-store';

export interface RationaleWiringDeps {
  config: Pick<Config, 'openai' | 'rationales'>;
  db: Db;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** Wakes the dispatcher once a rationale's deliveries are released. */
  onReleased: () => void;
}

/** How many rationales are written at once: model calls run in parallel, publishes never wait for them. */
const CONCURRENCY = 8;

/** Null when rationales are off (RATIONALES=off): none planned, none written. */
export function createRationales(deps: RationaleWiringDeps): RationaleService | null {
  const logger = deps.logger.child({ component: 'rationales' });
  if (!deps.config.rationales.enabled) {
    const letGo = new SqliteRationaleStore({ db: deps.db, clock: deps.clock }).abandonWanted(deps.clock.now());
    if (letGo.signals > 0) logger.info(letGo, 'rationales are off: signals still waiting for one get none, their waiting deliveries are skipped');
    return null;
  }
  const model = createOpenAIModel(deps.config.openai);
  if (!model) logger.warn('rationales are on without a model: rationales will be the template from the reasons; set OPENAI_API_KEY or OPENAI_BASE_URL');
  return new RationaleService({
    store: new SqliteRationaleStore({ db: deps.db, clock: deps.clock }),
    model,
    clock: deps.clock,
    logger,
    metrics: deps.metrics,
    onReleased: deps.onReleased,
    concurrency: CONCURRENCY,
  });
}
