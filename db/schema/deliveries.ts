// The outbox: a delivery row per content and destination, and the content that is not a signal (notices, snapshots).
import { sql } from 'drizzle-orm';
import { blob, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { CONTENT_KINDS } from '../../core/types';
import { destinations } from './people';

/**
 * 'held': an alert kept for the quiet-hours digest (never claimed; settled with its digest row). 'expired': not sent
 * within its maximum age (expires_at). 'superseded': its signal was stopped or closed before it went.
 */
export const DELIVERY_STATES = ['waiting', 'pending', 'held', 'sending', 'sent', 'dead', 'skipped', 'expired', 'superseded'] as const;

export const deliveries = sqliteTable('deliveries', {
  // No AUTOINCREMENT: pruning (schedules/prune.ts) never deletes the newest row, so an id is never reused, and each insert saves a sqlite_sequence write.
  id: integer('id').primaryKey(),
  /** 'signal', 'update', 'snapshot' or 'notice'; with contentRef it names what is delivered. */
  contentType: text('content_type').notNull(),
  /**
   * The integer key of the content in contentType's table: signals.ref for 'signal'. No foreign key:
   * it names a row of another table for each content type.
   */
  contentRef: integer('content_ref').notNull(),
  kind: text('kind', { enum: CONTENT_KINDS }).notNull(),
  /** destinations.ref; the recipient key and account are read from the destination. */
  destinationRef: integer('destination_ref').notNull().references(() => destinations.ref),
  /** The account whose daily cap counts this row; set exactly when capDay is. */
  capAccountId: text('cap_account_id'),
  /** Lower goes first: 0 paid real-time, 10 delayed, 20 snapshots. */
  priority: integer('priority').notNull(),
  dueAt: integer('due_at').notNull(),
  /** The UTC day (YYYY-MM-DD), only while the row counts toward a daily cap (an account's alert of a capped plan, not skipped); else null. */
  capDay: text('cap_day'),
  state: text('state', { enum: DELIVERY_STATES }).notNull(),
  /** Why a delivery was skipped at planning (e.g. daily_cap). */
  skipReason: text('skip_reason'),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  lastErrorCode: text('last_error_code'),
  platformMessageId: text('platform_message_id'),
  claimedAt: integer('claimed_at'),
  sentAt: integer('sent_at'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  /** Sent so that it cannot be forwarded or saved (the plan's protectContent, decided at planning). */
  protectContent: integer('protect_content', { mode: 'boolean' }).notNull().default(false),
  /** An alert not sent by then is marked 'expired' (its plan's or signal's maximum age from its due time); null: never. */
  expiresAt: integer('expires_at'),
  /**
   * The destination's platform, copied at insert (a destination never changes platform), so that the
   * dispatcher walks each platform's due rows alone: a platform whose window is full, or a huge backlog
   * of one, costs the others' walks nothing. Every writer sets it (migration 0015 filled the rows before
   * it); a row without one is never found due. No trigger fills it: one costs a fifth of a bulk insert.
   */
  platform: text('platform'),
}, (t) => [
  uniqueIndex('deliveries_content_destination_kind_idx').on(t.contentRef, t.destinationRef, t.kind),
  index('deliveries_due_idx').on(t.state, t.platform, t.priority, t.dueAt),
  // Partial: only capped plans' rows are counted, so paid fan-outs add nothing to this index.
  // Covering: one range of it gives every account's count of signals on a day.
  index('deliveries_cap_usage_idx').on(t.capDay, t.capAccountId, t.contentRef).where(sql`cap_day IS NOT NULL`),
  // Partial: a quiet window's held alerts (and those superseded while held) at one destination, for its digest
  // (db/stores/digest-content.ts) and the trigger that settles them with it (migration 0013; drizzle does not model
  // triggers: deliveries_digest_settles_held, AFTER UPDATE OF state WHEN NEW.kind = 'digest'). Queries name the
  // exact term `state IN ('held', 'superseded')` so SQLite can use it.
  // Partial: only pending rows that can expire, in expiry order, so the expiry sweep reads exactly the rows it expires
  // (a backlog not yet stale costs it nothing) and a sent row leaves the index.
  index('deliveries_expiry_idx').on(t.expiresAt).where(sql`state = 'pending' AND expires_at IS NOT NULL`),
  index('deliveries_quiet_idx').on(t.destinationRef, t.dueAt).where(sql`state IN ('held', 'superseded')`),
]);

/** Access messages (welcome, lapse, invite link, removal, ...) delivered through the outbox: deliveries.content_ref points here for content_type 'notice'. */
export const notices = sqliteTable('notices', {
  ref: integer('ref').primaryKey({ autoIncrement: true }),
  /** The account it is about; null for someone without one (a turned-away join request). */
  accountId: text('account_id'),
  /** What it is: 'welcome', 'lapse', 'invite', 'removed', 'approved', 'declined', 'billing'. */
  topic: text('topic').notNull(),
  text: text('text').notNull(),
  buttonLabel: text('button_label'),
  buttonUrl: text('button_url'),
  createdAt: integer('created_at').notNull(),
});

/**
 * One daily snapshot per day in the operator's time zone (`day` unique: a second run of the same day
 * finds it). Its deliveries point here (content_type 'snapshot', kind 'snapshot'), one per
 * destination by the deliveries' unique key: once per destination per day.
 */
export const snapshots = sqliteTable('snapshots', {
  ref: integer('ref').primaryKey({ autoIncrement: true }),
  /** YYYY-MM-DD in OPERATOR_TIME_ZONE: the day it summarises. */
  day: text('day').notNull().unique(),
  title: text('title').notNull(),
  text: text('text').notNull(),
  /** The chart, PNG bytes; null when it could not be drawn (the text goes alone). */
  png: blob('png', { mode: 'buffer' }),
  pngWidth: integer('png_width'),
  pngHeight: integer('png_height'),
  pngAlt: text('png_alt'),
  /** The figures it was written from, as JSON, for the operator and the tests. */
  figures: text('figures', { mode: 'json' }).$type<Record<string, unknown>>(),
  createdAt: integer('created_at').notNull(),
});

export type DeliveryRow = typeof deliveries.$inferSelect;
export type NoticeRow = typeof notices.$inferSelect;
export type SnapshotRow = typeof snapshots.$inferSelect;
