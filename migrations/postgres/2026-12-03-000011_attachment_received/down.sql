ALTER TABLE attachments DROP COLUMN received_sha256;
