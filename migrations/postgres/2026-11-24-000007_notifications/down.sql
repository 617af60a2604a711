DROP INDEX outbox_by_recipient;
DROP TABLE mail_fanouts;
DROP TABLE password_resets;
DROP TABLE follows;
DROP TABLE notification_preferences;
