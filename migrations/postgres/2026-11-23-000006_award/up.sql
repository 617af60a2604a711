-- Kept equivalent to migrations/sqlite.
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
CREATE FUNCTION contests_award_final() RETURNS trigger AS $$
BEGIN
    IF OLD.awarded_at IS NOT NULL AND NEW.awarded_at IS DISTINCT FROM OLD.awarded_at THEN
        RAISE EXCEPTION 'already_awarded: an award is final';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER contests_award_final BEFORE UPDATE ON contests
FOR EACH ROW EXECUTE FUNCTION contests_award_final();

CREATE TRIGGER awards_final BEFORE UPDATE OR DELETE ON awards
FOR EACH ROW EXECUTE FUNCTION refuse_change();
