-- Mail a person turned off is settled as `skipped`: neither sent nor failed, so that
-- `concours mail failed` does not list it (issue 17, finding 3).
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check
    CHECK (status IN ('pending', 'sent', 'failed', 'skipped'));
