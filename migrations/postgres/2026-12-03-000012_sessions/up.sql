-- Accounts after a compromise: a password change or reset ends every earlier session (a token
-- carries the epoch it was issued in; the account's epoch moves on), and sign-in limits know
-- the addresses an account signed in from before, so that an attacker elsewhere cannot lock
-- its owner out. Addresses are kept only as a digest.

ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;

CREATE TABLE sign_in_addresses (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    address_digest TEXT NOT NULL,
    last_signed_in_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, address_digest)
);

-- An award stays final, except for the names in its ranking: a person who deletes their
-- account is named "former participant" there too. The score sheet, its hash and everything
-- else still cannot change (and `concours check` recomputes the ranking from the sheet).
DROP TRIGGER awards_final ON awards;
CREATE TRIGGER awards_final_delete BEFORE DELETE ON awards
FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER awards_final_update BEFORE UPDATE ON awards
FOR EACH ROW WHEN (
    NEW.contest_id IS DISTINCT FROM OLD.contest_id
    OR NEW.awarded_at IS DISTINCT FROM OLD.awarded_at
    OR NEW.trigger_kind IS DISTINCT FROM OLD.trigger_kind
    OR NEW.scoresheet IS DISTINCT FROM OLD.scoresheet
    OR NEW.scoresheet_hash IS DISTINCT FROM OLD.scoresheet_hash
    OR NEW.prize_pool_cents IS DISTINCT FROM OLD.prize_pool_cents
) EXECUTE FUNCTION refuse_change();
