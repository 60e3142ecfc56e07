-- An account holds one identity per platform, so that two people on one platform never share a
-- subscription. Hand-written before the generated index: an account that already holds several
-- identities on one platform (linked before this rule) keeps its oldest; each other one moves, with
-- its direct-message destinations, to a new account of its own (default settings, no subscription),
-- and the audit log records the move. The access reconciler then removes it from paid chats.
CREATE TEMP TABLE `identity_moves` AS
  SELECT i.`id` AS `identity_id`, i.`account_id` AS `from_account_id`, i.`platform` AS `platform`, i.`platform_user_id` AS `platform_user_id`,
    i.`username` AS `username`, 'acc_' || lower(hex(randomblob(12))) AS `to_account_id`
  FROM `identities` i
  WHERE EXISTS (
    SELECT 1 FROM `identities` o
    WHERE o.`account_id` = i.`account_id` AND o.`platform` = i.`platform`
      AND (o.`created_at` < i.`created_at` OR (o.`created_at` = i.`created_at` AND o.`id` < i.`id`))
  );--> statement-breakpoint
INSERT INTO `accounts` (`id`, `display_name`) SELECT `to_account_id`, `username` FROM `identity_moves`;--> statement-breakpoint
UPDATE `destinations` SET `account_id` = (SELECT m.`to_account_id` FROM `identity_moves` m WHERE m.`identity_id` = `destinations`.`identity_id`)
  WHERE `identity_id` IN (SELECT `identity_id` FROM `identity_moves`);--> statement-breakpoint
UPDATE `identities` SET `account_id` = (SELECT m.`to_account_id` FROM `identity_moves` m WHERE m.`identity_id` = `identities`.`id`)
  WHERE `id` IN (SELECT `identity_id` FROM `identity_moves`);--> statement-breakpoint
INSERT INTO `audit_events` (`at`, `actor`, `action`, `subject_type`, `subject_id`, `reason`, `data`)
  SELECT CAST(unixepoch('subsec') * 1000 AS INTEGER), 'system', 'identity.unlinked', 'account', `from_account_id`,
    'an account holds one identity per platform (migration 0005)',
    json_object('identityId', `identity_id`, 'platform', `platform`, 'platformUserId', `platform_user_id`, 'toAccountId', `to_account_id`, 'self', json('false'))
  FROM `identity_moves`;--> statement-breakpoint
DROP TABLE `identity_moves`;--> statement-breakpoint
CREATE UNIQUE INDEX `identities_account_platform_idx` ON `identities` (`account_id`,`platform`);
