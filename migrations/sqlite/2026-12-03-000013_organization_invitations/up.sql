-- Joining an organisation takes the invitee's consent (finding 16.7): an owner invites an
-- address, the platform mails it a single-use link, and the person who signs in with that
-- verified address accepts. Only the SHA-256 of the link's token is kept.
CREATE TABLE organization_invitations (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('member', 'owner')),
    token_hash TEXT NOT NULL UNIQUE,
    invited_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    accepted_by TEXT REFERENCES users (id)
);

CREATE INDEX organization_invitations_by_organization
    ON organization_invitations (organization_id, email);
