-- The daily cap is read for every capped account of a publish in one range of a covering index
-- (day, account, signal) instead of one lookup per account. A row counts toward the cap exactly
-- when it carries cap_day: rows skipped after planning (their destination was disabled) lose it,
-- here for the rows already skipped and from now on in the same UPDATE that skips them.
DROP INDEX `deliveries_cap_day_idx`;--> statement-breakpoint
UPDATE `deliveries` SET `cap_day` = NULL, `cap_account_id` = NULL WHERE `state` = 'skipped' AND `cap_day` IS NOT NULL;--> statement-breakpoint
CREATE INDEX `deliveries_cap_usage_idx` ON `deliveries` (`cap_day`,`cap_account_id`,`content_ref`) WHERE cap_day IS NOT NULL;
