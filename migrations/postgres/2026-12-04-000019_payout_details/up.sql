-- Kept equivalent to migrations/sqlite.
-- Payout details a winner gives to be paid (issue 19): sealed with an AEAD whose key only the
-- server holds (payments.details_key); the database keeps the kind and the sealed text only.
CREATE TABLE payout_details (
    payout_id TEXT PRIMARY KEY NOT NULL REFERENCES payouts (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('iban', 'other')),
    sealed TEXT NOT NULL,
    given_at TIMESTAMP NOT NULL
);
