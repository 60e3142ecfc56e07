CREATE TABLE `once_keys` (
	`key` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `schedule_runs` (
	`job` text PRIMARY KEY NOT NULL,
	`lease_holder` text,
	`lease_until` integer,
	`last_started_at` integer,
	`last_finished_at` integer,
	`last_duration_ms` integer,
	`last_outcome` text,
	`last_error` text,
	`runs` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `signal_reach` (
	`signal_ref` integer NOT NULL,
	`plan_id` text NOT NULL,
	FOREIGN KEY (`signal_ref`) REFERENCES `signals`(`ref`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `signal_reach_signal_plan_idx` ON `signal_reach` (`signal_ref`,`plan_id`);--> statement-breakpoint
CREATE INDEX `signal_reach_plan_idx` ON `signal_reach` (`plan_id`);--> statement-breakpoint
CREATE TABLE `snapshots` (
	`ref` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`day` text NOT NULL,
	`title` text NOT NULL,
	`text` text NOT NULL,
	`png` blob,
	`png_width` integer,
	`png_height` integer,
	`png_alt` text,
	`figures` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `snapshots_day_unique` ON `snapshots` (`day`);--> statement-breakpoint
ALTER TABLE `signal_updates` ADD `ref` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `signal_updates_ref_unique` ON `signal_updates` (`ref`);--> statement-breakpoint
ALTER TABLE `signals` ADD `rationale_state` text;--> statement-breakpoint
ALTER TABLE `signals` ADD `rationale_json` text;--> statement-breakpoint
ALTER TABLE `signals` ADD `rationale_source` text;--> statement-breakpoint
ALTER TABLE `signals` ADD `rationale_reason` text;--> statement-breakpoint
ALTER TABLE `signals` ADD `rationale_prompt_tokens` integer;--> statement-breakpoint
ALTER TABLE `signals` ADD `rationale_completion_tokens` integer;