DROP TABLE profiles;
DROP TABLE participation_sources;
DROP TABLE contest_invitations;
