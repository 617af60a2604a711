DROP TABLE attachment_data;
DROP TABLE attachments;
DROP TABLE idea_revisions;
DROP TABLE ideas;
