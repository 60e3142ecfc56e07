DROP INDEX `deliveries_due_idx`;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `platform` text;--> statement-breakpoint
-- Every row takes its destination's platform (a destination never changes platform), before the index is built.
UPDATE `deliveries` SET `platform` = (SELECT `platform` FROM `destinations` WHERE `ref` = `deliveries`.`destination_ref`);--> statement-breakpoint
CREATE INDEX `deliveries_due_idx` ON `deliveries` (`state`,`platform`,`priority`,`due_at`);
