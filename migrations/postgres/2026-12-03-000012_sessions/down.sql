DROP TABLE sign_in_addresses;
ALTER TABLE users DROP COLUMN session_epoch;
