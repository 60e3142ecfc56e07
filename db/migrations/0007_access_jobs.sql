CREATE TABLE `access_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`trigger` text NOT NULL,
	`actor` text NOT NULL,
	`reason` text,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`due_at` integer NOT NULL,
	`last_error` text,
	`outcome` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `access_jobs_pending_account_idx` ON `access_jobs` (`account_id`) WHERE state = 'pending';--> statement-breakpoint
CREATE INDEX `access_jobs_due_idx` ON `access_jobs` (`state`,`due_at`);--> statement-breakpoint
CREATE TABLE `notices` (
	`ref` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` text,
	`topic` text NOT NULL,
	`text` text NOT NULL,
	`button_label` text,
	`button_url` text,
	`created_at` integer NOT NULL
);
