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
