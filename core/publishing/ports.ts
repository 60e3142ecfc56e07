// The ports publishing runs over: where signals are stored, whom they may reach, where deliveries go, and one transaction around it all.
import type { AuditLog } from '../audit';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { Candidate, EntitledRecipient } from '../planning/types';
import type { PlansConfig } from '../plans/schema';
import type { BandThresholds } from '../signals/band';
import type { PublishEstimates, SignalRef } from '../signals/ports';
import type { CheckedSignalInput, CheckedSignalUpdate } from '../signals/validate';
import type { Band, PlatformName, Signal, SignalUpdate } from '../types';
import type { PlanningJobStore } from './planning-jobs';

/** A signal as the store holds it: the signal, the store's key for it, and the content written after it. */
export interface StoredSignal {
  signal: Signal;
  /** The store's key for the signal, which its delivery rows point at. */
  ref: number;
  /** The rationale, once one is written for the signal; null until then. */
  rationaleText: string | null;
}

/** A checked signal ready to be stored. */
export interface NewSignal {
  input: CheckedSignalInput;
  band: Band;
  publishedBy: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

/** A checked update of a known signal, ready to be stored. */
export interface NewSignalUpdate {
  signalId: string;
  update: CheckedSignalUpdate;
  createdAt: number;
}

/** Stores signals and their updates; it only stores (checking and planning happen before). */
export interface SignalStore {
  /** The signal stored under this publisher id, if any. */
  findByPublisherId(publisherId: string): StoredSignal | undefined;
  /** Stores a new signal (its publisher id must be new). */
  insert(signal: NewSignal): StoredSignal;
  /** The signal stored under this ref (the key its deliveries and its planning job point at), if any. */
  findByRef(ref: number): StoredSignal | undefined;
  /** What its publish answered (counts of the first chunk, candidates, estimates), from its audit event. */
  publishedOutcome(signalId: string): { planned: number; skipped: number; candidates: number; estimates: PublishEstimates };
  /** Our id of the signal with this id or publisher id, if it exists. */
  findId(ref: SignalRef): string | undefined;
  /** The update stored under this publisher update id, if any. */
  findUpdate(publisherUpdateId: string): SignalUpdate | undefined;
  insertUpdate(update: NewSignalUpdate): SignalUpdate;
}

/** Some of the candidates, and each one's key in the store (for the delivery rows). */
export interface CandidateBatch {
  candidates: Iterable<Candidate>;
  refOf(destinationId: string): number | undefined;
}

/** Candidates after a cursor, in ascending ref order: one chunk of a signal's planning. */
export interface CandidateChunk extends CandidateBatch {
  /** How many candidates the chunk holds. */
  size: number;
  /** The highest ref in the chunk (the next cursor); the cursor given when the chunk is empty. */
  lastRef: number;
  /** Whether candidates with a higher ref remain. */
  more: boolean;
}

/** Who a signal could reach, as committed now, and how much of each daily cap is used. */
export interface CandidateSource {
  /**
   * The candidates in batches (one when they are kept in memory). Use each batch before asking
   * for the next, inside the publishing transaction.
   */
  batches(): Iterable<CandidateBatch>;
  /**
   * The candidates whose destination ref is above `cursor`, in ascending ref order, at most `limit`,
   * as committed now. Use inside the transaction that writes their rows.
   */
  after(cursor: number, limit: number): CandidateChunk;
  /** Candidates per platform as committed now (kept, and counted again only when a destination or account changed). */
  countsByPlatform(): ReadonlyMap<PlatformName, number>;
  /**
   * Distinct signals counted toward each account's daily cap on this UTC day ('YYYY-MM-DD'); with
   * `exceptSignalRef`, that signal's own rows are not counted (a signal planned in chunks must not
   * count itself against an account whose destinations fall in two chunks).
   */
  usageOn(utcDay: string, exceptSignalRef?: number): ReadonlyMap<string, number>;
  /** Brings the candidates up to date now, so that the next publish has less to read. */
  refresh(): void;
}

/** A delivery kind of a signal's content. */
export type SignalDeliveryKind = 'alert' | 'rationale' | 'snapshot';

/** One kind of one signal's deliveries to the checked recipients of one candidate batch. */
export interface PlannedDeliveries {
  signal: StoredSignal;
  kind: SignalDeliveryKind;
  recipients: readonly EntitledRecipient[];
  batch: CandidateBatch;
  /** Whether a pending row of this plan counts toward a daily cap. */
  capped(planId: string): boolean;
  now: number;
  utcDay: string;
}

/**
 * Writes planned deliveries to the outbox. Alerts go to every recipient given; other kinds only
 * where the destination takes that kind. A rationale row is written 'waiting' and marks the
 * signal's rationale wanted (its writer releases the rows).
 */
export interface OutboxWriter {
  write(planned: PlannedDeliveries): void;
}

/** What planning an update did: its deliveries planned, and the signal's rows it superseded, by platform. */
export interface UpdatePlan {
  planned: number;
  /** Alert and rationale rows a stop or close superseded (never sent), by the platform of their destination. */
  superseded: Readonly<Record<PlatformName, number>>;
}

/**
 * Plans an update's deliveries where its signal's alert went, never due before the alert, at the
 * alert's priority. A `stopped` or `closed` first supersedes what has not gone: the signal's alerts
 * pending or held and its rationales waiting or pending become 'superseded' (no longer counted
 * toward a daily cap) and a planning job still 'planning' becomes 'cancelled'; then it is planned
 * only where the alert is sending or sent, due at once. A `target_hit` supersedes nothing and is
 * planned where the alert is pending, held, sending or sent, waiting out the account's quiet hours
 * in direct messages. Runs inside the caller's transaction.
 */
export interface UpdateOutbox {
  /** Supersedes (a stop or close) and writes the rows of a newly stored update. */
  plan(signalId: string, update: SignalUpdate, now: number): UpdatePlan;
  /** What the update did the first time (what a replay reports): deliveries planned, rows superseded. */
  firstCounts(update: SignalUpdate): { planned: number; superseded: number };
}

/**
 * Runs a synchronous function in one transaction: all its writes commit together or none do.
 * A passing database fault surfaces as DatabaseUnavailableError (503 at the edge).
 */
export interface TransactionOptions {
  /**
   * What the transaction writes is redone from state already durable if its commit is lost (a planning
   * chunk: its job's cursor was committed before it, and the chunk is idempotent), so the commit need
   * not wait for the disk: it survives the process being killed, though not the machine losing power.
   */
  replayable?: boolean;
}

export interface Transaction {
  run<T>(fn: () => T, options?: TransactionOptions): T;
}

/** Sends per second each platform may make overall, as configured (the adapters' limits with the operator's overrides). */
export interface DeliveryRates {
  /** Undefined: the platform is not running here; Infinity: it declares no limit. */
  perSecond(platform: PlatformName): number | undefined;
}

/** What the publishing use cases need. */
export interface PublishingDeps {
  store: SignalStore;
  candidates: CandidateSource;
  outbox: OutboxWriter;
  updates: UpdateOutbox;
  transaction: Transaction;
  audit: AuditLog;
  clock: Clock;
  metrics: Metrics;
  logger: Logger;
  plans: PlansConfig;
  bands: BandThresholds;
  /** Rationales on (RATIONALES): a recipient whose plan has them gets a rationale row, waiting for the writer. */
  rationales?: boolean | undefined;
  /** The signals whose planning goes on after the 202. */
  jobs: PlanningJobStore;
  /** Candidates planned per chunk by PlanningRunner (the publish plans a first chunk of at most FIRST_CHUNK_SIZE). */
  chunkSize: number;
  /** Each platform's configured rate, for the 202's estimates; absent: no estimates. */
  rates?: DeliveryRates | undefined;
}
