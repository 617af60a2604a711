-- Mail a person turned off is settled as `skipped`: neither sent nor failed, so that
-- `concours mail failed` does not list it (issue 17, finding 3). SQLite cannot change a CHECK
-- constraint in place: the table is rebuilt with the same columns and indexes.
CREATE TABLE outbox_new (
    id TEXT PRIMARY KEY NOT NULL,
    template TEXT NOT NULL,
    recipient TEXT NOT NULL,
    locale TEXT NOT NULL,
    context TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
INSERT INTO outbox_new (id, template, recipient, locale, context, status, attempts,
        next_attempt_at, claimed_until, last_error, created_at, sent_at)
    SELECT id, template, recipient, locale, context, status, attempts,
        next_attempt_at, claimed_until, last_error, created_at, sent_at
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_by_recipient ON outbox (recipient, next_attempt_at);
