CREATE TABLE `installations` (
	`id` text PRIMARY KEY NOT NULL,
	`platform` text NOT NULL,
	`tenant` text NOT NULL,
	`tenant_name` text,
	`enterprise_id` text,
	`bot_user_id` text,
	`scopes` text NOT NULL,
	`installer_platform_user_id` text,
	`bot_token_sealed` text NOT NULL,
	`installed_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`revoked_at` integer,
	`revoked_reason` text,
	`account_id` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `installations_platform_tenant_idx` ON `installations` (`platform`,`tenant`);--> statement-breakpoint
CREATE INDEX `installations_account_idx` ON `installations` (`account_id`);--> statement-breakpoint
DROP INDEX `identities_platform_user_idx`;--> statement-breakpoint
ALTER TABLE `identities` ADD `tenant` text;--> statement-breakpoint
CREATE UNIQUE INDEX `identities_global_user_idx` ON `identities` (`platform`,`platform_user_id`) WHERE tenant IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `identities_tenant_user_idx` ON `identities` (`platform`,`tenant`,`platform_user_id`) WHERE tenant IS NOT NULL;--> statement-breakpoint
CREATE INDEX `identities_platform_user_idx` ON `identities` (`platform`,`platform_user_id`);--> statement-breakpoint
ALTER TABLE `destinations` ADD `tenant` text;--> statement-breakpoint
CREATE INDEX `destinations_tenant_idx` ON `destinations` (`platform`,`tenant`) WHERE tenant IS NOT NULL;