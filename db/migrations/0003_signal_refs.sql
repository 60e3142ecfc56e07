-- Deliveries point at their signal by an integer: signals get `ref` (their old rowid) as their primary key,
-- `id` stays the public, unique text id, and deliveries.content_id (text) becomes content_ref (integer), so
-- each delivery row and each entry of deliveries_content_destination_kind_idx is smaller. content_ref is the
-- integer key of the content named by content_type (signals.ref for 'signal'); it has no foreign key, since
-- other content types (snapshots, notices) will name rows of other tables.
-- Edited by hand from drizzle-kit's output. The migrator runs in one transaction with foreign keys on (a
-- PRAGMA foreign_keys cannot change that inside it), so the order keeps every foreign key satisfied: the new
-- signals first, then the new signal_updates (its signal_id still refers to signals.id) and deliveries, the
-- old children (deliveries, signal_updates) dropped before their parent (signals), then the renames
-- (renaming __new_signals rewrites the new signal_updates' reference). None of these tables has a trigger.
CREATE TABLE `__new_signals` (
	`ref` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`publisher_id` text NOT NULL,
	`symbol` text NOT NULL,
	`market` text NOT NULL,
	`side` text NOT NULL,
	`conviction` real NOT NULL,
	`band` text NOT NULL,
	`persona` text,
	`reasons` text NOT NULL,
	`entry` real,
	`stop` real,
	`targets` text,
	`horizon` text,
	`published_by` text,
	`rationale_text` text,
	`rationale_model` text,
	`rationale_latency_ms` integer,
	`rationale_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
-- Existing signals keep their rowid as their ref, so they keep their order.
INSERT INTO `__new_signals`("ref", "id", "publisher_id", "symbol", "market", "side", "conviction", "band", "persona", "reasons", "entry", "stop", "targets", "horizon", "published_by", "rationale_text", "rationale_model", "rationale_latency_ms", "rationale_at", "created_at")
SELECT rowid, "id", "publisher_id", "symbol", "market", "side", "conviction", "band", "persona", "reasons", "entry", "stop", "targets", "horizon", "published_by", "rationale_text", "rationale_model", "rationale_latency_ms", "rationale_at", "created_at"
FROM `signals` ORDER BY rowid;--> statement-breakpoint
-- Made now (the name is free: the old table's id is its primary key), so that signal_updates can refer to
-- signals.id and the copy below looks refs up by id.
CREATE UNIQUE INDEX `signals_id_unique` ON `__new_signals` (`id`);--> statement-breakpoint
-- Unchanged, but recreated: the old one refers to the old signals, which cannot be dropped under it.
CREATE TABLE `__new_signal_updates` (
	`id` text PRIMARY KEY NOT NULL,
	`signal_id` text NOT NULL,
	`publisher_update_id` text,
	`kind` text NOT NULL,
	`target_index` integer,
	`price` real,
	`result_pct` real,
	`note` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`signal_id`) REFERENCES `__new_signals`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_signal_updates`("id", "signal_id", "publisher_update_id", "kind", "target_index", "price", "result_pct", "note", "created_at")
SELECT "id", "signal_id", "publisher_update_id", "kind", "target_index", "price", "result_pct", "note", "created_at"
FROM `signal_updates` ORDER BY rowid;--> statement-breakpoint
CREATE TABLE `__new_deliveries` (
	`id` integer PRIMARY KEY NOT NULL,
	`content_type` text NOT NULL,
	`content_ref` integer NOT NULL,
	`kind` text NOT NULL,
	`destination_ref` integer NOT NULL,
	`cap_account_id` text,
	`priority` integer NOT NULL,
	`due_at` integer NOT NULL,
	`cap_day` text,
	`state` text NOT NULL,
	`skip_reason` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`last_error_code` text,
	`platform_message_id` text,
	`claimed_at` integer,
	`sent_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`destination_ref`) REFERENCES `destinations`(`ref`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
-- A delivery whose signal is missing (or whose content is not a signal: none has a table yet) would get a NULL
-- ref and stop the migration (NOT NULL) rather than be lost.
INSERT INTO `__new_deliveries`("id", "content_type", "content_ref", "kind", "destination_ref", "cap_account_id", "priority", "due_at", "cap_day", "state", "skip_reason", "attempts", "last_error", "last_error_code", "platform_message_id", "claimed_at", "sent_at", "created_at", "updated_at")
SELECT d."id", d."content_type",
       CASE WHEN d."content_type" = 'signal' THEN (SELECT s."ref" FROM `__new_signals` s WHERE s."id" = d."content_id") END,
       d."kind", d."destination_ref", d."cap_account_id", d."priority", d."due_at", d."cap_day", d."state", d."skip_reason", d."attempts",
       d."last_error", d."last_error_code", d."platform_message_id", d."claimed_at", d."sent_at", d."created_at", d."updated_at"
FROM `deliveries` d ORDER BY d."id";--> statement-breakpoint
DROP TABLE `deliveries`;--> statement-breakpoint
DROP TABLE `signal_updates`;--> statement-breakpoint
DROP TABLE `signals`;--> statement-breakpoint
ALTER TABLE `__new_signals` RENAME TO `signals`;--> statement-breakpoint
ALTER TABLE `__new_signal_updates` RENAME TO `signal_updates`;--> statement-breakpoint
ALTER TABLE `__new_deliveries` RENAME TO `deliveries`;--> statement-breakpoint
CREATE UNIQUE INDEX `signals_publisher_id_unique` ON `signals` (`publisher_id`);--> statement-breakpoint
CREATE INDEX `signals_created_at_idx` ON `signals` (`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `signal_updates_publisher_update_id_unique` ON `signal_updates` (`publisher_update_id`);--> statement-breakpoint
CREATE INDEX `signal_updates_signal_idx` ON `signal_updates` (`signal_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_content_destination_kind_idx` ON `deliveries` (`content_ref`,`destination_ref`,`kind`);--> statement-breakpoint
CREATE INDEX `deliveries_due_idx` ON `deliveries` (`state`,`priority`,`due_at`);--> statement-breakpoint
CREATE INDEX `deliveries_cap_day_idx` ON `deliveries` (`cap_account_id`,`cap_day`) WHERE cap_day IS NOT NULL;
