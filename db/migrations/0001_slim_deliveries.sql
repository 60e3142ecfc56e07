-- A slimmer deliveries table: a delivery points at its destination by an integer `ref` (the destination's old
-- rowid) instead of its text id, and no longer copies the destination's platform and recipient key, nor the
-- UTC day; the account stays only on rows that count toward a daily cap (cap_account_id, set with cap_day).
-- Edited by hand from drizzle-kit's output. The migrator runs in one transaction with foreign keys on (a
-- PRAGMA foreign_keys cannot change that inside it), so the order keeps every foreign key satisfied: the new
-- destinations first, the new deliveries pointing at them, the old child (deliveries) dropped before its
-- parent (destinations), then the renames (renaming __new_destinations rewrites the new deliveries' reference).
CREATE TABLE `__new_destinations` (
	`ref` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`platform` text NOT NULL,
	`kind` text NOT NULL,
	`address` text NOT NULL,
	`recipient_key` text NOT NULL,
	`identity_id` text,
	`account_id` text,
	`plan_id` text,
	`content_kinds` text NOT NULL,
	`is_group` integer DEFAULT false NOT NULL,
	`label` text,
	`enabled` integer DEFAULT true NOT NULL,
	`disabled_reason` text,
	`disabled_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`identity_id`) REFERENCES `identities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
-- Existing destinations keep their rowid as their ref, so the candidate scan's order is unchanged.
INSERT INTO `__new_destinations`("ref", "id", "platform", "kind", "address", "recipient_key", "identity_id", "account_id", "plan_id", "content_kinds", "is_group", "label", "enabled", "disabled_reason", "disabled_at", "created_at")
SELECT rowid, "id", "platform", "kind", "address", "recipient_key", "identity_id", "account_id", "plan_id", "content_kinds", "is_group", "label", "enabled", "disabled_reason", "disabled_at", "created_at"
FROM `destinations` ORDER BY rowid;--> statement-breakpoint
-- Made now (the name is free: the old table's id is its primary key), so that the copy below looks refs up by id.
CREATE UNIQUE INDEX `destinations_id_unique` ON `__new_destinations` (`id`);--> statement-breakpoint
CREATE TABLE `__new_deliveries` (
	`id` integer PRIMARY KEY NOT NULL,
	`content_type` text NOT NULL,
	`content_id` text NOT NULL,
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
	FOREIGN KEY (`destination_ref`) REFERENCES `__new_destinations`(`ref`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
-- A delivery whose destination is missing would get a NULL ref and stop the migration (NOT NULL) rather than be lost.
-- cap_day and cap_account_id are set together: a channel's row (no account) never counted toward a cap.
INSERT INTO `__new_deliveries`("id", "content_type", "content_id", "kind", "destination_ref", "cap_account_id", "priority", "due_at", "cap_day", "state", "skip_reason", "attempts", "last_error", "last_error_code", "platform_message_id", "claimed_at", "sent_at", "created_at", "updated_at")
SELECT d."id", d."content_type", d."content_id", d."kind",
       (SELECT n."ref" FROM `__new_destinations` n WHERE n."id" = d."destination_id"),
       CASE WHEN d."cap_day" IS NOT NULL THEN d."account_id" END,
       d."priority", d."due_at",
       CASE WHEN d."account_id" IS NOT NULL THEN d."cap_day" END,
       d."state", d."skip_reason", d."attempts", d."last_error", d."last_error_code", d."platform_message_id", d."claimed_at", d."sent_at", d."created_at", d."updated_at"
FROM `deliveries` d ORDER BY d."id";--> statement-breakpoint
DROP TABLE `deliveries`;--> statement-breakpoint
DROP TABLE `destinations`;--> statement-breakpoint
ALTER TABLE `__new_destinations` RENAME TO `destinations`;--> statement-breakpoint
ALTER TABLE `__new_deliveries` RENAME TO `deliveries`;--> statement-breakpoint
CREATE UNIQUE INDEX `destinations_recipient_key_unique` ON `destinations` (`recipient_key`);--> statement-breakpoint
CREATE INDEX `destinations_account_idx` ON `destinations` (`account_id`);--> statement-breakpoint
CREATE INDEX `destinations_enabled_idx` ON `destinations` (`enabled`,`kind`);--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_content_destination_kind_idx` ON `deliveries` (`content_id`,`destination_ref`,`kind`);--> statement-breakpoint
CREATE INDEX `deliveries_due_idx` ON `deliveries` (`state`,`priority`,`due_at`);--> statement-breakpoint
CREATE INDEX `deliveries_cap_day_idx` ON `deliveries` (`cap_account_id`,`cap_day`) WHERE cap_day IS NOT NULL;
