-- The planning change log: triggers note every destination and account whose candidates may have
-- changed, from any process, so that each process's in-memory candidate cache
-- (db/stores/candidate-cache.ts) re-reads only those. The triggers are not modelled by drizzle: a later
-- migration that recreates one of these tables must recreate its triggers.
CREATE TABLE `planning_changes` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`destination_id` text,
	`account_id` text,
	`at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `planning_changes_at_idx` ON `planning_changes` (`at`);--> statement-breakpoint
CREATE INDEX `destinations_identity_idx` ON `destinations` (`identity_id`);--> statement-breakpoint
CREATE TRIGGER `planning_destination_inserted` AFTER INSERT ON `destinations` BEGIN
	INSERT INTO `planning_changes` (`destination_id`) VALUES (NEW.`id`);
END;--> statement-breakpoint
CREATE TRIGGER `planning_destination_updated` AFTER UPDATE ON `destinations` BEGIN
	INSERT INTO `planning_changes` (`destination_id`, `account_id`) VALUES (NEW.`id`, OLD.`account_id`);
	INSERT INTO `planning_changes` (`destination_id`) SELECT OLD.`id` WHERE OLD.`id` <> NEW.`id`;
END;--> statement-breakpoint
CREATE TRIGGER `planning_destination_deleted` AFTER DELETE ON `destinations` BEGIN
	INSERT INTO `planning_changes` (`destination_id`, `account_id`) VALUES (OLD.`id`, OLD.`account_id`);
END;--> statement-breakpoint
CREATE TRIGGER `planning_identity_updated` AFTER UPDATE ON `identities` BEGIN
	INSERT INTO `planning_changes` (`account_id`) VALUES (OLD.`account_id`);
	INSERT INTO `planning_changes` (`account_id`) SELECT NEW.`account_id` WHERE NEW.`account_id` <> OLD.`account_id`;
	INSERT INTO `planning_changes` (`destination_id`) SELECT `id` FROM `destinations` WHERE `identity_id` = NEW.`id`;
END;--> statement-breakpoint
CREATE TRIGGER `planning_identity_deleted` AFTER DELETE ON `identities` BEGIN
	INSERT INTO `planning_changes` (`account_id`) VALUES (OLD.`account_id`);
END;--> statement-breakpoint
CREATE TRIGGER `planning_account_updated` AFTER UPDATE ON `accounts` BEGIN
	INSERT INTO `planning_changes` (`account_id`) VALUES (NEW.`id`);
END;--> statement-breakpoint
CREATE TRIGGER `planning_account_deleted` AFTER DELETE ON `accounts` BEGIN
	INSERT INTO `planning_changes` (`account_id`) VALUES (OLD.`id`);
END;--> statement-breakpoint
CREATE TRIGGER `planning_subscription_inserted` AFTER INSERT ON `subscriptions` BEGIN
	INSERT INTO `planning_changes` (`account_id`) VALUES (NEW.`account_id`);
END;--> statement-breakpoint
CREATE TRIGGER `planning_subscription_updated` AFTER UPDATE ON `subscriptions` BEGIN
	INSERT INTO `planning_changes` (`account_id`) VALUES (NEW.`account_id`);
	INSERT INTO `planning_changes` (`account_id`) SELECT OLD.`account_id` WHERE OLD.`account_id` <> NEW.`account_id`;
END;--> statement-breakpoint
CREATE TRIGGER `planning_subscription_deleted` AFTER DELETE ON `subscriptions` BEGIN
	INSERT INTO `planning_changes` (`account_id`) VALUES (OLD.`account_id`);
END;
