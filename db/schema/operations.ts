// The operator's records: the audit log, Stripe events seen, API keys, scheduled runs and things done once.
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { createdAt } from './columns';

export const auditEvents = sqliteTable('audit_events', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  /** Who did it: 'system', 'api-key:<id>', 'cli', 'operator:<identity>', 'stripe'. */
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  subjectType: text('subject_type').notNull(),
  subjectId: text('subject_id').notNull(),
  reason: text('reason'),
  data: text('data', { mode: 'json' }).$type<Record<string, unknown>>(),
}, (t) => [index('audit_subject_idx').on(t.subjectType, t.subjectId)]);

export const stripeEvents = sqliteTable('stripe_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  receivedAt: integer('received_at', { mode: 'timestamp_ms' }).notNull(),
  outcome: text('outcome'),
});

export const apiKeys = sqliteTable('api_keys', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** The first characters of the key, shown in lists so a person can tell keys apart. */
  prefix: text('prefix').notNull(),
  /** SHA-256 of the whole key, hex. The key itself is never stored. */
  hash: text('hash').notNull().unique(),
  createdAt: createdAt(),
  lastUsedAt: integer('last_used_at', { mode: 'timestamp_ms' }),
  revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
});

/**
 * Each scheduled job's last run and its lease: a run takes the lease (holder, until) in one statement,
 * so two processes never run the same job at once; the last run's outcome feeds /metrics.
 */
export const scheduleRuns = sqliteTable('schedule_runs', {
  job: text('job').primaryKey(),
  leaseHolder: text('lease_holder'),
  leaseUntil: integer('lease_until'),
  lastStartedAt: integer('last_started_at'),
  lastFinishedAt: integer('last_finished_at'),
  lastDurationMs: integer('last_duration_ms'),
  /** 'ok', 'failed' or 'skipped' (another run held the lease). */
  lastOutcome: text('last_outcome'),
  lastError: text('last_error'),
  runs: integer('runs').notNull().default(0),
});

/**
 * Keys of things done once ever, e.g. "trial-reminder:sub_123:3d" or "dead-letter-report:2026-12-06":
 * inserting a key that exists changes nothing, so a job run twice does it once.
 */
export const onceKeys = sqliteTable('once_keys', {
  key: text('key').primaryKey(),
  createdAt: integer('created_at').notNull(),
});

export type AuditEventRow = typeof auditEvents.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type ScheduleRunRow = typeof scheduleRuns.$inferSelect;
