// The rationale writer's ports: the model it asks (an SDK behind it, in content/), and where rationales are kept.
import type { RationaleBody, Signal } from '../types';
import { SignalcastError } from '../errors';
import type { RationalePrompt } from './prompt';

/** Why a model call failed, as the port says it: each is a template reason of its own. */
export type RationaleModelFailure = 'timeout' | 'rate_limited' | 'unavailable' | 'error';

/** A model call that failed, with the port's code (the SDK's error as `cause`). */
export class RationaleModelError extends SignalcastError {
  constructor(readonly failure: RationaleModelFailure, message: string, options?: { cause?: unknown }) {
    super(failure === 'rate_limited' ? 'rate_limited' : failure === 'error' ? 'internal' : 'unavailable', message, options);
    this.name = 'RationaleModelError';
  }
}

/** A model's answer: the content as it came (checked by check.ts), which model, and the tokens used. */
export interface ModelAnswer {
  body: unknown;
  model: string;
  promptTokens: number;
  completionTokens: number;
}

/** Any OpenAI-compatible model (content/openai-model.ts). Throws RationaleModelError, never an SDK error. */
export interface RationaleModel {
  complete(prompt: RationalePrompt, options: { signal: AbortSignal }): Promise<ModelAnswer>;
}

/** Why the template was used instead of the model's answer. */
export type TemplateReason = 'no_model' | 'timeout' | 'rate_limited' | 'unavailable' | 'unparsable' | 'empty' | 'contradiction' | 'error';

/** A rationale as written once: what it says, who wrote it and at what cost. */
export interface WrittenRationale {
  body: RationaleBody;
  text: string;
  source: 'model' | 'template';
  /** Null for the model. */
  reason: TemplateReason | null;
  /** The model that answered; null for the template. */
  model: string | null;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
}

/** Where rationales are kept (db/stores/rationale-store.ts). */
export interface RationaleStore {
  /** The signal, if its rationale is still wanted (none written yet). */
  wanted(signalId: string): Signal | undefined;
  /** Every signal whose rationale is still wanted, oldest first (at start). */
  allWanted(): Signal[];
  /** The signals published since `from` (ms) whose rationale is still wanted, oldest first (another process published them). */
  wantedSince(from: number): Signal[];
  /**
   * In one transaction: stores the rationale (state 'written') and turns the signal's waiting
   * rationale deliveries pending. Returns how many were released; 0 and nothing stored when it was
   * already written.
   */
  saveAndRelease(signalId: string, written: WrittenRationale, at: number): number;
}
