CREATE TABLE `access_memberships` (
	`id` text PRIMARY KEY NOT NULL,
	`platform` text NOT NULL,
	`resource_key` text NOT NULL,
	`platform_user_id` text NOT NULL,
	`state` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `access_memberships_resource_user_idx` ON `access_memberships` (`platform`,`resource_key`,`platform_user_id`);--> statement-breakpoint
CREATE INDEX `access_memberships_user_idx` ON `access_memberships` (`platform`,`platform_user_id`);--> statement-breakpoint
CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`display_name` text,
	`stripe_customer_id` text,
	`referral_code` text,
	`referred_by` text,
	`symbol_filter` text,
	`min_band` text,
	`side_filter` text,
	`direct_messages` integer DEFAULT true NOT NULL,
	`quiet_start` text,
	`quiet_end` text,
	`time_zone` text DEFAULT 'UTC' NOT NULL,
	`paused` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_stripe_customer_id_unique` ON `accounts` (`stripe_customer_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_referral_code_unique` ON `accounts` (`referral_code`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` text NOT NULL,
	`reason` text,
	`data` text
);
--> statement-breakpoint
CREATE INDEX `audit_subject_idx` ON `audit_events` (`subject_type`,`subject_id`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`content_type` text NOT NULL,
	`content_id` text NOT NULL,
	`kind` text NOT NULL,
	`destination_id` text NOT NULL,
	`account_id` text,
	`platform` text NOT NULL,
	`recipient_key` text NOT NULL,
	`priority` integer NOT NULL,
	`due_at` integer NOT NULL,
	`utc_day` text NOT NULL,
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
	FOREIGN KEY (`destination_id`) REFERENCES `destinations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_content_destination_kind_idx` ON `deliveries` (`content_id`,`destination_id`,`kind`);--> statement-breakpoint
CREATE INDEX `deliveries_due_idx` ON `deliveries` (`state`,`priority`,`due_at`);--> statement-breakpoint
CREATE INDEX `deliveries_cap_day_idx` ON `deliveries` (`account_id`,`cap_day`) WHERE cap_day IS NOT NULL;--> statement-breakpoint
CREATE TABLE `destinations` (
	`id` text PRIMARY KEY NOT NULL,
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
CREATE UNIQUE INDEX `destinations_recipient_key_unique` ON `destinations` (`recipient_key`);--> statement-breakpoint
CREATE INDEX `destinations_account_idx` ON `destinations` (`account_id`);--> statement-breakpoint
CREATE INDEX `destinations_enabled_idx` ON `destinations` (`enabled`,`kind`);--> statement-breakpoint
CREATE TABLE `identities` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`platform` text NOT NULL,
	`platform_user_id` text NOT NULL,
	`username` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `identities_platform_user_idx` ON `identities` (`platform`,`platform_user_id`);--> statement-breakpoint
CREATE INDEX `identities_account_idx` ON `identities` (`account_id`);--> statement-breakpoint
CREATE TABLE `invite_links` (
	`id` text PRIMARY KEY NOT NULL,
	`platform` text NOT NULL,
	`resource_key` text NOT NULL,
	`link` text NOT NULL,
	`account_id` text,
	`platform_user_id` text NOT NULL,
	`state` text NOT NULL,
	`expires_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invite_links_link_unique` ON `invite_links` (`link`);--> statement-breakpoint
CREATE INDEX `invite_links_user_idx` ON `invite_links` (`platform`,`platform_user_id`,`state`);--> statement-breakpoint
CREATE TABLE `link_codes` (
	`code` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `referral_credits` (
	`id` text PRIMARY KEY NOT NULL,
	`referrer_account_id` text NOT NULL,
	`referred_account_id` text NOT NULL,
	`amount_cents` integer NOT NULL,
	`currency` text NOT NULL,
	`stripe_balance_transaction_id` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`referrer_account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`referred_account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `referral_credits_referred_account_id_unique` ON `referral_credits` (`referred_account_id`);--> statement-breakpoint
CREATE TABLE `signal_updates` (
	`id` text PRIMARY KEY NOT NULL,
	`signal_id` text NOT NULL,
	`publisher_update_id` text,
	`kind` text NOT NULL,
	`target_index` integer,
	`price` real,
	`result_pct` real,
	`note` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`signal_id`) REFERENCES `signals`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `signal_updates_publisher_update_id_unique` ON `signal_updates` (`publisher_update_id`);--> statement-breakpoint
CREATE INDEX `signal_updates_signal_idx` ON `signal_updates` (`signal_id`);--> statement-breakpoint
CREATE TABLE `signals` (
	`id` text PRIMARY KEY NOT NULL,
	`publisher_id` text NOT NULL,
	`symbol` text NOT NULL,
	`market` text NOT NULL,
	`side` text NOT NULL,
	`conviction` real NOT NULL,
	`band` text NOT NULL,
	`persona` text,
	`reasons` text NOT NULL,
	`entry` real,
	`stop` real,
	`targets` text,
	`horizon` text,
	`published_by` text,
	`rationale_text` text,
	`rationale_model` text,
	`rationale_latency_ms` integer,
	`rationale_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `signals_publisher_id_unique` ON `signals` (`publisher_id`);--> statement-breakpoint
CREATE INDEX `signals_created_at_idx` ON `signals` (`created_at`);--> statement-breakpoint
CREATE TABLE `stripe_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`received_at` integer NOT NULL,
	`outcome` text
);
--> statement-breakpoint
CREATE TABLE `subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`stripe_subscription_id` text,
	`plan_id` text NOT NULL,
	`status` text NOT NULL,
	`current_period_end` integer,
	`cancel_at_period_end` integer DEFAULT false NOT NULL,
	`trial_end` integer,
	`past_due_since` integer,
	`source` text DEFAULT 'stripe' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subscriptions_stripe_subscription_id_unique` ON `subscriptions` (`stripe_subscription_id`);--> statement-breakpoint
CREATE INDEX `subscriptions_account_idx` ON `subscriptions` (`account_id`);