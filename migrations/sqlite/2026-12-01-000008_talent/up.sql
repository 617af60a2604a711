-- A brand invites people of its talent pool (who took part in its past contests) to a new
-- contest: at most once per person and contest.
CREATE TABLE contest_invitations (
    contest_id TEXT NOT NULL REFERENCES contests (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    invited_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (contest_id, user_id)
);

-- Where a participant came from (the `ref` or `utm_source`/`utm_campaign` tags of the contest
-- link they opened, or the site that linked to it), recorded with their first idea.
CREATE TABLE participation_sources (
    contest_id TEXT NOT NULL REFERENCES contests (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    campaign TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (contest_id, user_id)
);

-- A person's public page, if they want one: private until they say otherwise.
CREATE TABLE profiles (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    public INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0, 1)),
    bio TEXT NOT NULL DEFAULT '',
    links TEXT NOT NULL DEFAULT '[]',
    updated_at TIMESTAMP NOT NULL
);

-- A deleted account: its row stays, emptied of the person (name, address, password), so that
-- the ideas in finished contests, the payouts and the audit chain keep their references.
ALTER TABLE users ADD COLUMN deleted_at TIMESTAMP;

-- The crowd beside the jury: after the award of a contest whose rules publish the ideas, a
-- signed-in person marks the ideas they like, once each, never their own.
CREATE TABLE idea_marks (
    idea_id TEXT NOT NULL REFERENCES ideas (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (idea_id, user_id)
);
