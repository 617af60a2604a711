DROP TABLE idea_marks;
ALTER TABLE users DROP COLUMN deleted_at;
DROP TABLE profiles;
DROP TABLE participation_sources;
DROP TABLE contest_invitations;
