DROP INDEX `deliveries_due_idx`;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `platform` text;--> statement-breakpoint
-- Every row takes its destination's platform (a destination never changes platform), before the index is built.
UPDATE `deliveries` SET `platform` = (SELECT `platform` FROM `destinations` WHERE `ref` = `deliveries`.`destination_ref`);--> statement-breakpoint
CREATE INDEX `deliveries_due_idx` ON `deliveries` (`state`,`platform`,`priority`,`due_at`);--> statement-breakpoint
-- The writers set the platform; a row inserted without one (a hand-written insert, an older writer) takes its
-- destination's, so that the dispatcher's per-platform walk never misses it.
CREATE TRIGGER `deliveries_platform_filled`
AFTER INSERT ON `deliveries`
WHEN NEW.`platform` IS NULL
BEGIN
	UPDATE `deliveries` SET `platform` = (SELECT `platform` FROM `destinations` WHERE `ref` = NEW.`destination_ref`) WHERE `id` = NEW.`id`;
END;
