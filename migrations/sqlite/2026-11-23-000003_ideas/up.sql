-- Ideas: drafts and submissions, their receipts (revisions), attachments.
CREATE TABLE ideas (
    id TEXT PRIMARY KEY NOT NULL,
    contest_id TEXT NOT NULL REFERENCES contests (id),
    author_id TEXT NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'withdrawn', 'disqualified')),
    revision INTEGER NOT NULL DEFAULT 0,
    first_submitted_at TIMESTAMP,
    submitted_at TIMESTAMP,
    disqualified_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX ideas_contest ON ideas (contest_id, status);
CREATE INDEX ideas_author ON ideas (author_id, contest_id);

-- Every submission and edit as received, with its receipt. Never changed.
CREATE TABLE idea_revisions (
    idea_id TEXT NOT NULL REFERENCES ideas (id),
    revision INTEGER NOT NULL CHECK (revision >= 1),
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    rules_hash TEXT NOT NULL,
    PRIMARY KEY (idea_id, revision)
);

CREATE TABLE attachments (
    id TEXT PRIMARY KEY NOT NULL,
    idea_id TEXT NOT NULL REFERENCES ideas (id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL CHECK (size > 0),
    sha256 TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX attachments_idea ON attachments (idea_id);

-- The bytes apart, so that listing attachments never reads them.
CREATE TABLE attachment_data (
    attachment_id TEXT PRIMARY KEY NOT NULL REFERENCES attachments (id),
    data BLOB NOT NULL
);

CREATE TRIGGER idea_revisions_append_only_update BEFORE UPDATE ON idea_revisions
BEGIN
    SELECT RAISE(ABORT, 'append_only: receipts cannot change');
END;

CREATE TRIGGER idea_revisions_append_only_delete BEFORE DELETE ON idea_revisions
BEGIN
    SELECT RAISE(ABORT, 'append_only: receipts cannot be deleted');
END;
