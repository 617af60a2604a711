DROP TRIGGER awards_final_update ON awards;
DROP TRIGGER awards_final_delete ON awards;
CREATE TRIGGER awards_final BEFORE UPDATE OR DELETE ON awards
FOR EACH ROW EXECUTE FUNCTION refuse_change();
DROP TABLE sign_in_addresses;
ALTER TABLE users DROP COLUMN session_epoch;
