-- Jury: invitations, declared conflicts, assignments and score sheets.
ALTER TABLE contests ADD COLUMN reviews_per_entry INTEGER CHECK (reviews_per_entry IS NULL OR reviews_per_entry >= 1);

CREATE TABLE jurors (
    id TEXT PRIMARY KEY NOT NULL,
    contest_id TEXT NOT NULL REFERENCES contests (id),
    email TEXT NOT NULL,
    user_id TEXT REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('invited', 'accepted')),
    invited_by TEXT NOT NULL REFERENCES users (id),
    invited_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    UNIQUE (contest_id, email)
);
CREATE INDEX jurors_user ON jurors (user_id);

CREATE TABLE conflicts (
    juror_id TEXT NOT NULL REFERENCES jurors (id),
    idea_id TEXT NOT NULL REFERENCES ideas (id),
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (juror_id, idea_id)
);

CREATE TABLE assignments (
    juror_id TEXT NOT NULL REFERENCES jurors (id),
    idea_id TEXT NOT NULL REFERENCES ideas (id),
    PRIMARY KEY (juror_id, idea_id)
);

CREATE TABLE score_sheets (
    juror_id TEXT NOT NULL REFERENCES jurors (id),
    idea_id TEXT NOT NULL REFERENCES ideas (id),
    comment TEXT,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (juror_id, idea_id)
);

-- One score per (juror, entry, criterion).
CREATE TABLE scores (
    juror_id TEXT NOT NULL REFERENCES jurors (id),
    idea_id TEXT NOT NULL REFERENCES ideas (id),
    criterion TEXT NOT NULL,
    value INTEGER NOT NULL CHECK (value >= 0),
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (juror_id, idea_id, criterion)
);
