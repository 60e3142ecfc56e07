// Signals, their updates and their planning: what is published and how far it is planned.
import { sql } from 'drizzle-orm';
import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { createdAt } from './columns';

export const signals = sqliteTable('signals', {
  /** The compact internal key deliveries point at (the rowid); `id` is the public one. */
  ref: integer('ref').primaryKey({ autoIncrement: true }),
  id: text('id').notNull().unique(),
  publisherId: text('publisher_id').notNull().unique(),
  symbol: text('symbol').notNull(),
  market: text('market').notNull(),
  side: text('side', { enum: ['long', 'short', 'close'] }).notNull(),
  conviction: real('conviction').notNull(),
  band: text('band', { enum: ['A', 'B', 'C'] }).notNull(),
  persona: text('persona'),
  reasons: text('reasons', { mode: 'json' }).$type<string[]>().notNull(),
  entry: real('entry'),
  stop: real('stop'),
  targets: text('targets', { mode: 'json' }).$type<number[]>(),
  horizon: text('horizon'),
  /** The API key (or "cli", "chat:<identity>") that published it. */
  publishedBy: text('published_by'),
  /** The rationale as plain text, once written; null until then. */
  rationaleText: text('rationale_text'),
  /** The model that wrote it; null for the template. */
  rationaleModel: text('rationale_model'),
  rationaleLatencyMs: integer('rationale_latency_ms'),
  rationaleAt: integer('rationale_at', { mode: 'timestamp_ms' }),
  createdAt: createdAt(),
  /**
   * 'wanted': rationale deliveries wait ('waiting' rows) for it to be written; 'written': done (see
   * rationaleSource); null: none was asked for (no recipient's plan has rationales).
   */
  rationaleState: text('rationale_state', { enum: ['wanted', 'written'] }),
  /** The structured rationale (RationaleBody), as JSON. */
  rationaleJson: text('rationale_json', { mode: 'json' }).$type<{ summary: string; drivers: string[]; risks: string[] }>(),
  /** 'model': the model's answer, checked; 'template': built from the reasons (rationaleReason says why). */
  rationaleSource: text('rationale_source', { enum: ['model', 'template'] }),
  /** Why the template was used: no_model, timeout, rate_limited, unavailable, unparsable, empty, contradiction, error. */
  rationaleReason: text('rationale_reason'),
  rationalePromptTokens: integer('rationale_prompt_tokens'),
  rationaleCompletionTokens: integer('rationale_completion_tokens'),
  /** The publisher's maximum alert age for this signal (minutes from due time); null: the plans' own. */
  maxAlertAgeMinutes: integer('max_alert_age_minutes'),
}, (t) => [index('signals_created_at_idx').on(t.createdAt)]);

/**
 * A signal's planning, chunk by chunk after the 202 (core/publishing): resumable from \`cursor\` (the last
 * destination ref planned) after a crash. 'planning' until every candidate is planned, then 'done';
 * 'cancelled' when a stop or close came first (the rest is never planned).
 */
export const planningJobs = sqliteTable('planning_jobs', {
  signalRef: integer('signal_ref').primaryKey(),
  state: text('state', { enum: ['planning', 'done', 'cancelled'] }).notNull(),
  cursor: integer('cursor').notNull().default(0),
  /** Candidate destinations when published (what the 202 reported). */
  candidates: integer('candidates').notNull(),
  planned: integer('planned').notNull().default(0),
  skipped: integer('skipped').notNull().default(0),
  /** Why candidates got nothing, by reason, summed over the chunks (JSON object). */
  excluded: text('excluded', { mode: 'json' }).$type<Record<string, number>>(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (t) => [index('planning_jobs_state_idx').on(t.state)]);

export const signalUpdates = sqliteTable('signal_updates', {
  id: text('id').primaryKey(),
  signalId: text('signal_id').notNull().references(() => signals.id),
  publisherUpdateId: text('publisher_update_id').unique(),
  kind: text('kind', { enum: ['target_hit', 'stopped', 'closed'] }).notNull(),
  targetIndex: integer('target_index'),
  price: real('price'),
  resultPct: real('result_pct'),
  note: text('note'),
  createdAt: createdAt(),
  /**
   * The compact key update deliveries point at (content_type 'update'): max + 1 at insert, in the
   * publishing transaction. Null on updates recorded before updates were delivered (none are owed).
   */
  ref: integer('ref').unique(),
}, (t) => [index('signal_updates_signal_idx').on(t.signalId)]);

/**
 * What may have changed for planning: triggers (written in migration 0002, not modelled by drizzle)
 * log each destination and account whose candidates changed, from any process, so that the
 * in-memory candidate cache (db/stores/candidate-cache.ts) re-reads only those. Pruned after an hour.
 * A migration that recreates destinations, identities, accounts or subscriptions must recreate
 * their planning_* triggers (db/stores/candidate-cache.test.ts checks they exist).
 */
export const planningChanges = sqliteTable('planning_changes', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  destinationId: text('destination_id'),
  accountId: text('account_id'),
  at: integer('at').notNull().default(sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`),
}, (t) => [index('planning_changes_at_idx').on(t.at)]);

/**
 * Which plans' subscribers a signal's alert was planned for (a row per signal and plan with at least
 * one alert row not skipped): the track record per plan reads what each plan actually received.
 */
export const signalReach = sqliteTable('signal_reach', {
  signalRef: integer('signal_ref').notNull().references(() => signals.ref),
  planId: text('plan_id').notNull(),
}, (t) => [uniqueIndex('signal_reach_signal_plan_idx').on(t.signalRef, t.planId), index('signal_reach_plan_idx').on(t.planId)]);

export type SignalRow = typeof signals.$inferSelect;
export type SignalUpdateRow = typeof signalUpdates.$inferSelect;
