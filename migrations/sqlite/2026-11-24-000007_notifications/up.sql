-- Notifications: preferences, following a brand, password resets, and fan-outs that turn one
-- event for many people into outbox messages in batches, outside the request.

-- A missing row means every kind of mail is on.
CREATE TABLE notification_preferences (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    announcements INTEGER NOT NULL DEFAULT 1 CHECK (announcements IN (0, 1)),
    reminders INTEGER NOT NULL DEFAULT 1 CHECK (reminders IN (0, 1)),
    brand_news INTEGER NOT NULL DEFAULT 1 CHECK (brand_news IN (0, 1)),
    updated_at TIMESTAMP NOT NULL
);

-- Following is opt-in: a row exists only because its person asked for it.
CREATE TABLE follows (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, organization_id)
);
CREATE INDEX follows_by_organization ON follows (organization_id, user_id);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

-- One event for an audience (`participants` of a contest, `followers` of its brand); the
-- worker queues its messages a batch at a time, in user id order, after `after_user`.
CREATE TABLE mail_fanouts (
    id TEXT PRIMARY KEY NOT NULL,
    template TEXT NOT NULL,
    audience TEXT NOT NULL CHECK (audience IN ('participants', 'followers')),
    contest_id TEXT NOT NULL REFERENCES contests (id),
    context TEXT NOT NULL,
    after_user TEXT NOT NULL DEFAULT '',
    done_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX mail_fanouts_pending ON mail_fanouts (done_at, created_at);

-- Spacing the mail of one person: the latest planned send per recipient is looked up.
CREATE INDEX outbox_by_recipient ON outbox (recipient, next_attempt_at);
