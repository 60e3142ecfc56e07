// The SignalService on SQLite: core's publishing use cases over the SQLite ports (store, candidates, outbox, transaction, audit).
import type { Clock } from '../../core/clock';
import { silentLogger, type Logger } from '../../core/logger';
import { noopMetrics, type Metrics } from '../../core/metrics';
import type { PlansConfig } from '../../core/plans/schema';
import { PlanningRunner, type PlannedChunk } from '../../core/publishing/planning-runner';
import { publishSignal } from '../../core/publishing/publish-signal';
import { publishSignalUpdate } from '../../core/publishing/publish-update';
import type { DeliveryRates, PublishingDeps } from '../../core/publishing/ports';
import type { BandThresholds } from '../../core/signals/band';
import type { PublishMeta, PublishOutcome, SignalRef, SignalService, UpdateOutcome } from '../../core/signals/ports';
import type { Signal, SignalUpdate } from '../../core/types';
import type { Db } from '../client';
import { SqliteTransaction } from '../transaction';
import { SqliteAuditLog } from './audit-store';
import { SqliteCandidateSource } from './candidate-source';
import { SqliteOutboxWriter } from './outbox-writer';
import { SqlitePlanningJobs } from './planning-jobs';
import { SqliteSignalStore } from './signal-store';
import { SqliteUpdateOutbox } from './update-outbox';

export interface SignalServiceDeps {
  db: Db;
  clock: Clock;
  plans: PlansConfig;
  bands: BandThresholds;
  logger?: Logger;
  metrics?: Metrics;
  /** The most candidates kept in memory (CandidateCache's maxCached). */
  maxCachedCandidates?: number;
  /** Large (re)builds of the kept candidates off the caller's stack, yielding between pages; absent: one synchronous read. */
  candidateBuild?: { yieldNow: () => Promise<void> };
  /** Rationales on (RATIONALES): plans with rationales get waiting rationale rows. Off unless given. */
  rationales?: boolean;
  /** Candidates planned per chunk (PLANNING_CHUNK_SIZE); default DEFAULT_PLANNING_CHUNK_SIZE. */
  chunkSize?: number;
  /** Each platform's configured rate, for the publish's estimates; absent: none. */
  rates?: DeliveryRates;
  /** After each chunk the planning runner commits (poke the dispatcher and the rationale writer). */
  onPlannedChunk?: (chunk: PlannedChunk) => void;
}

/** Candidates per chunk: one chunk of 2,000 plans in well under 50 ms (see ARCHITECTURE.md). */
export const DEFAULT_PLANNING_CHUNK_SIZE = 2_000;

/** The publishing use cases' ports on SQLite, one set per process (the candidates are kept in memory). */
export function sqlitePublishing(deps: SignalServiceDeps): PublishingDeps & { store: SqliteSignalStore; candidates: SqliteCandidateSource } {
  const { db, clock } = deps;
  const sqlite = db.$client;
  const now = () => clock.now();
  return {
    store: new SqliteSignalStore({ db, clock }),
    candidates: new SqliteCandidateSource(sqlite, { now, maxCached: deps.maxCachedCandidates, background: deps.candidateBuild }),
    outbox: new SqliteOutboxWriter(sqlite),
    updates: new SqliteUpdateOutbox(sqlite),
    transaction: new SqliteTransaction(sqlite, now),
    audit: new SqliteAuditLog({ db, clock }),
    clock,
    metrics: deps.metrics ?? noopMetrics,
    logger: deps.logger ?? silentLogger,
    plans: deps.plans,
    bands: deps.bands,
    rationales: deps.rationales === true,
    jobs: new SqlitePlanningJobs(sqlite),
    chunkSize: deps.chunkSize ?? DEFAULT_PLANNING_CHUNK_SIZE,
    rates: deps.rates,
  };
}

/**
 * Publishes signals (publishSignal) and records their updates (publishSignalUpdate), each in one
 * immediate SQLite transaction; reads them back. One per process: it keeps the planner's
 * candidates in memory.
 */
export class SqliteSignalService implements SignalService {
  private readonly publishing: ReturnType<typeof sqlitePublishing>;
  private readonly store: SqliteSignalStore;
  /** Plans what publishes left to their planning jobs; started and stopped by the service (app/service.ts). */
  readonly planning: PlanningRunner;

  constructor(deps: SignalServiceDeps) {
    this.publishing = sqlitePublishing(deps);
    this.store = this.publishing.store;
    this.planning = new PlanningRunner({ ...this.publishing, onChunk: deps.onPlannedChunk });
  }

  /** Brings the kept candidates up to date now (or starts their build), so that the next publish has less to read. */
  refreshCandidates(): void {
    this.publishing.candidates.refresh();
  }

  /** Resolves once no background build of the candidates is under way (for tests and the benchmark). */
  candidatesReady(): Promise<void> {
    return this.publishing.candidates.ready();
  }

  /** How many candidates are kept in memory (0 while publishes read them from the database). */
  get keptCandidates(): number {
    return this.publishing.candidates.kept;
  }

  /** Stops a background build of the candidates before its next page: before the database closes. */
  closeCandidates(): void {
    this.publishing.candidates.close();
  }

  async publish(input: unknown, meta: PublishMeta): Promise<PublishOutcome> {
    return publishSignal(this.publishing, input, meta);
  }

  async addUpdate(signal: SignalRef, input: unknown, meta?: PublishMeta): Promise<UpdateOutcome> {
    return publishSignalUpdate(this.publishing, signal, input, meta);
  }

  async getSignal(id: string): Promise<Signal | null> {
    return this.store.get(id);
  }

  async listRecent(limit: number): Promise<Signal[]> {
    return this.store.listRecent(limit);
  }

  async listUpdates(signalId: string): Promise<SignalUpdate[]> {
    return this.store.listUpdates(signalId);
  }
}
