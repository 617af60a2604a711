-- Attachments are stored without their metadata (issue 16.4): `sha256` and `size` describe the
-- stored file, which is what every reader downloads; `received_sha256` is the SHA-256 of the
-- bytes as they were received, for their author. NULL for files stored before this change.
ALTER TABLE attachments ADD COLUMN received_sha256 TEXT;
