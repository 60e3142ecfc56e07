ALTER TABLE `subscriptions` ADD `access_revoked_at` integer;--> statement-breakpoint
ALTER TABLE `subscriptions` ADD `access_revoked_reason` text;