-- Contests: drafts, frozen rules, escrowed funding, announcements, the audit chain.
CREATE TABLE contests (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    title TEXT NOT NULL,
    brief TEXT NOT NULL,
    rules TEXT NOT NULL,
    currency TEXT NOT NULL,
    prize_pool_cents BIGINT NOT NULL CHECK (prize_pool_cents > 0),
    opens_at TIMESTAMP NOT NULL,
    submission_deadline TIMESTAMP NOT NULL,
    judging_deadline TIMESTAMP NOT NULL,
    rules_document TEXT,
    rules_hash TEXT,
    opened_at TIMESTAMP,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((opened_at IS NULL) = (rules_hash IS NULL)),
    CHECK ((opened_at IS NULL) = (rules_document IS NULL))
);
CREATE INDEX contests_organization ON contests (organization_id);
CREATE INDEX contests_opened ON contests (opened_at);

CREATE TABLE fundings (
    id TEXT PRIMARY KEY NOT NULL,
    contest_id TEXT NOT NULL REFERENCES contests (id),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    reference TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed')),
    recorded_by TEXT NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL,
    confirmed_by TEXT REFERENCES users (id),
    confirmed_at TIMESTAMP
);
CREATE INDEX fundings_contest ON fundings (contest_id);
CREATE INDEX fundings_status ON fundings (status);

-- The escrow: money in (confirmed fundings, positive) and, later, out (payouts, negative).
-- Never updated: a balance is always a sum of entries.
CREATE TABLE ledger_entries (
    id TEXT PRIMARY KEY NOT NULL,
    contest_id TEXT NOT NULL REFERENCES contests (id),
    kind TEXT NOT NULL CHECK (kind IN ('funding', 'payout')),
    amount_cents BIGINT NOT NULL CHECK (amount_cents <> 0),
    funding_id TEXT UNIQUE REFERENCES fundings (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX ledger_entries_contest ON ledger_entries (contest_id);

CREATE TABLE announcements (
    id TEXT PRIMARY KEY NOT NULL,
    contest_id TEXT NOT NULL REFERENCES contests (id),
    body TEXT NOT NULL,
    author_id TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX announcements_contest ON announcements (contest_id, created_at);

-- One hash chain per contest: hash = SHA-256(prev_hash || canonical JSON of the event).
CREATE TABLE audit_events (
    contest_id TEXT NOT NULL REFERENCES contests (id),
    seq BIGINT NOT NULL CHECK (seq >= 1),
    at TIMESTAMP NOT NULL,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (contest_id, seq)
);

-- Phase changes whose side effects have run: the primary key makes each run exactly once.
CREATE TABLE contest_transitions (
    contest_id TEXT NOT NULL REFERENCES contests (id),
    phase TEXT NOT NULL CHECK (phase IN ('draft_reminder', 'submission', 'judging', 'jury_reminder_48h', 'jury_reminder_24h')),
    done_at TIMESTAMP NOT NULL,
    PRIMARY KEY (contest_id, phase)
);

-- Promise 1: once opened, the rules do not change, whoever writes to the database.
CREATE TRIGGER contests_rules_frozen BEFORE UPDATE ON contests
WHEN OLD.opened_at IS NOT NULL AND (NEW.title IS NOT OLD.title OR NEW.brief IS NOT OLD.brief OR NEW.rules IS NOT OLD.rules OR NEW.currency IS NOT OLD.currency OR NEW.prize_pool_cents IS NOT OLD.prize_pool_cents OR NEW.opens_at IS NOT OLD.opens_at OR NEW.submission_deadline IS NOT OLD.submission_deadline OR NEW.judging_deadline IS NOT OLD.judging_deadline OR NEW.rules_document IS NOT OLD.rules_document OR NEW.rules_hash IS NOT OLD.rules_hash OR NEW.opened_at IS NOT OLD.opened_at OR NEW.organization_id IS NOT OLD.organization_id)
BEGIN
    SELECT RAISE(ABORT, 'rules_frozen: the rules of an opened contest cannot change');
END;

CREATE TRIGGER contests_opened_undeletable BEFORE DELETE ON contests
WHEN OLD.opened_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'rules_frozen: an opened contest cannot be deleted');
END;

CREATE TRIGGER audit_events_append_only_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'append_only: audit events cannot change');
END;

CREATE TRIGGER audit_events_append_only_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'append_only: audit events cannot be deleted');
END;

CREATE TRIGGER ledger_entries_append_only_update BEFORE UPDATE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'append_only: ledger entries cannot change');
END;

CREATE TRIGGER ledger_entries_append_only_delete BEFORE DELETE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'append_only: ledger entries cannot be deleted');
END;
