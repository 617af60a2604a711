DROP TABLE outbox;
DROP TABLE memberships;
DROP TABLE organizations;
DROP TABLE rate_limits;
DROP TABLE revoked_tokens;
DROP TABLE email_verifications;
DROP TABLE users;
