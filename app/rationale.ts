// Builds the rationale writer from the settings: the openai client's model (or none), the SQLite store, the background service.
import type { Config } from '../config';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import { RationaleService } from '../core/rationale/service';
import type { Db } from '../db/client';
import { SqliteRationaleStore } from '../db/stores/rationale-store';
import { lazy } from './lazy';

/** The model on the openai client: imported only when rationales are on with a model set (loadLibraries, app/libraries.ts). */
export const openaiModel = lazy('the rationale model (openai)', () => import('../content/openai-model'));

/** Rationales on, with OPENAI_API_KEY or OPENAI_BASE_URL: the openai client is wanted. */
export function wantsRationaleModel(config: Pick<Config, 'openai' | 'rationales'>): boolean {
  return config.rationales.enabled && Boolean(config.openai.apiKey || config.openai.baseUrl);
}

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
  const model = wantsRationaleModel(deps.config) ? openaiModel.get().createOpenAIModel(deps.config.openai) : null;
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
