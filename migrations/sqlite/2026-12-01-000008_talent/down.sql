DROP TABLE contest_invitations;
