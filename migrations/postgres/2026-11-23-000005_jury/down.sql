DROP TABLE scores;
DROP TABLE score_sheets;
DROP TABLE assignments;
DROP TABLE conflicts;
DROP TABLE jurors;
ALTER TABLE contests DROP COLUMN reviews_per_entry;
