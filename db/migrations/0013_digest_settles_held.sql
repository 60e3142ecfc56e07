CREATE INDEX `deliveries_quiet_idx` ON `deliveries` (`destination_ref`,`due_at`) WHERE state IN ('held', 'superseded');--> statement-breakpoint
-- A quiet-hours digest settles the alerts it holds, in the same statement as its own result, wherever that is
-- recorded (the dispatcher's result, a disabled destination's pending rows skipped): its destination's held
-- alerts of its window (due at the window's end, the minute that is the digest's content_ref) become sent with
-- the digest's message id and send time (so updates and rationales thread on the digest), dead with its
-- error, or skipped with its reason (and, skipped, no longer counted toward a daily cap).
CREATE TRIGGER `deliveries_digest_settles_held`
AFTER UPDATE OF `state` ON `deliveries`
WHEN NEW.`kind` = 'digest' AND NEW.`state` IN ('sent', 'dead', 'skipped') AND OLD.`state` <> NEW.`state`
BEGIN
	UPDATE `deliveries` SET
		`state` = NEW.`state`,
		`platform_message_id` = CASE WHEN NEW.`state` = 'sent' THEN NEW.`platform_message_id` ELSE `platform_message_id` END,
		`sent_at` = CASE WHEN NEW.`state` = 'sent' THEN NEW.`sent_at` ELSE `sent_at` END,
		`last_error` = CASE WHEN NEW.`state` = 'dead' THEN NEW.`last_error` ELSE `last_error` END,
		`last_error_code` = CASE WHEN NEW.`state` = 'dead' THEN NEW.`last_error_code` ELSE `last_error_code` END,
		`skip_reason` = CASE WHEN NEW.`state` = 'skipped' THEN NEW.`skip_reason` ELSE `skip_reason` END,
		`cap_day` = CASE WHEN NEW.`state` = 'skipped' THEN NULL ELSE `cap_day` END,
		`cap_account_id` = CASE WHEN NEW.`state` = 'skipped' THEN NULL ELSE `cap_account_id` END,
		`updated_at` = NEW.`updated_at`
	WHERE `destination_ref` = NEW.`destination_ref`
		AND `due_at` >= NEW.`content_ref` * 60000 AND `due_at` < (NEW.`content_ref` + 1) * 60000
		AND state IN ('held', 'superseded') AND `state` = 'held' AND `kind` = 'alert';
END;
