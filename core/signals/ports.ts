// The signal service the rest of the app uses (ingest API, CLI, chat /publish); core/publishing does the work, db/stores/signal-service.ts wires it.
import type { Signal, SignalUpdate } from '../types';

export interface PublishMeta {
  /** Who published: 'api-key:<id>', 'cli', 'chat:<identity>'. Recorded on the signal and in the audit trail. */
  publishedBy: string;
}

/** Per platform: its candidate destinations and the seconds to reach them all at its configured overall rate. */
export type PublishEstimates = Record<string, { candidates: number; seconds: number }>;

/**
 * What a publish did. The promise resolves only after the signal, its first chunk of deliveries and
 * (when more remain) its planning job are committed: durably accepted, and will be delivered.
 */
export interface PublishOutcome {
  signal: Signal;
  /** The publisher id was seen before: this is the first result, and nothing was created. */
  duplicate: boolean;
  /** Deliveries written as pending so far (a replay: the planning job's count now). */
  planned: number;
  /** Deliveries written as skipped (over a daily cap) so far. */
  skipped: number;
  /** Candidate destinations when published: what planning checks. */
  candidates: number;
  /** 'done': every candidate was planned before the answer; 'in_progress': the rest is planned in chunks. */
  planning: 'done' | 'in_progress';
  estimates: PublishEstimates;
}

/** A signal by our id (`sig_...`) or by the id its publisher gave it. */
export type SignalRef = string | { publisherId: string };

export interface UpdateOutcome {
  update: SignalUpdate;
  /** The publisherUpdateId was seen before: this is the first update, and nothing was created. */
  duplicate: boolean;
  /** Deliveries of the update planned (one per destination its signal's alert went, or for a target hit is going to; a replay: the first time's). */
  planned: number;
  /**
   * The signal's alerts and rationales a stop or close superseded: not sent, and never will be (a
   * target hit: 0; a replay: the first time's).
   */
  superseded: number;
}

/**
 * Stores signals once per publisher id and plans their deliveries in the same transaction.
 * Takes the input as it came (a JSON body, the CLI's flags, a chat command) and checks it once;
 * bad input is a ValidationError naming every bad field, and nothing is stored.
 * Async so that a PostgreSQL store can implement it later.
 */
export interface SignalService {
  publish(input: unknown, meta: PublishMeta): Promise<PublishOutcome>;
  /**
   * Records an update of the signal with this id, or with this publisher id. Idempotent on
   * publisherUpdateId. Throws SignalcastError('not_found') for an unknown signal.
   */
  addUpdate(signal: SignalRef, input: unknown, meta?: PublishMeta): Promise<UpdateOutcome>;
  getSignal(id: string): Promise<Signal | null>;
  /** Newest first. */
  listRecent(limit: number): Promise<Signal[]>;
  listUpdates(signalId: string): Promise<SignalUpdate[]>;
}
