CREATE TABLE `planning_jobs` (
	`signal_ref` integer PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`cursor` integer DEFAULT 0 NOT NULL,
	`candidates` integer NOT NULL,
	`planned` integer DEFAULT 0 NOT NULL,
	`skipped` integer DEFAULT 0 NOT NULL,
	`excluded` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `planning_jobs_state_idx` ON `planning_jobs` (`state`);--> statement-breakpoint
ALTER TABLE `deliveries` ADD `expires_at` integer;--> statement-breakpoint
ALTER TABLE `signals` ADD `max_alert_age_minutes` integer;