DROP TRIGGER awards_final_update;
CREATE TRIGGER awards_final_update BEFORE UPDATE ON awards
BEGIN
    SELECT RAISE(ABORT, 'append_only: an award is final');
END;
DROP TABLE sign_in_addresses;
ALTER TABLE users DROP COLUMN session_epoch;
