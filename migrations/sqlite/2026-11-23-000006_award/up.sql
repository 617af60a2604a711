-- Award: one per contest, its payouts (drawn on the escrow ledger) and the published results.
ALTER TABLE contests ADD COLUMN awarded_at TIMESTAMP;

CREATE TABLE awards (
    contest_id TEXT PRIMARY KEY NOT NULL REFERENCES contests (id),
    awarded_at TIMESTAMP NOT NULL,
    trigger_kind TEXT NOT NULL CHECK (trigger_kind IN ('manual', 'automatic')),
    scoresheet TEXT NOT NULL,
    scoresheet_hash TEXT NOT NULL,
    ranking TEXT NOT NULL,
    prize_pool_cents BIGINT NOT NULL
);

CREATE TABLE payouts (
    id TEXT PRIMARY KEY NOT NULL,
    contest_id TEXT NOT NULL REFERENCES awards (contest_id),
    position INTEGER NOT NULL,
    idea_id TEXT REFERENCES ideas (id),
    recipient TEXT NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    reason TEXT NOT NULL CHECK (reason IN ('prize', 'fallback', 'no_entries')),
    status TEXT NOT NULL CHECK (status IN ('due', 'paid')),
    paid_reference TEXT,
    paid_at TIMESTAMP,
    paid_by TEXT REFERENCES users (id),
    UNIQUE (contest_id, position)
);

ALTER TABLE ledger_entries ADD COLUMN payout_id TEXT REFERENCES payouts (id);

-- An award is final.
CREATE TRIGGER contests_award_final BEFORE UPDATE ON contests
WHEN OLD.awarded_at IS NOT NULL AND NEW.awarded_at IS NOT OLD.awarded_at
BEGIN
    SELECT RAISE(ABORT, 'already_awarded: an award is final');
END;

CREATE TRIGGER awards_final_update BEFORE UPDATE ON awards
BEGIN
    SELECT RAISE(ABORT, 'append_only: an award is final');
END;

CREATE TRIGGER awards_final_delete BEFORE DELETE ON awards
BEGIN
    SELECT RAISE(ABORT, 'append_only: an award is final');
END;
