DELETE FROM contest_transitions WHERE phase LIKE 'jury_reminder_round:%';
ALTER TABLE contest_transitions DROP CONSTRAINT contest_transitions_phase_check;
ALTER TABLE contest_transitions ADD CONSTRAINT contest_transitions_phase_check
    CHECK (phase IN ('draft_reminder', 'submission', 'judging', 'jury_reminder_48h', 'jury_reminder_24h'));

DROP TABLE round_closings;

DELETE FROM scores WHERE round <> 'final';
ALTER TABLE scores DROP CONSTRAINT scores_pkey;
ALTER TABLE scores ADD PRIMARY KEY (juror_id, idea_id, criterion);
ALTER TABLE scores DROP COLUMN round;

DELETE FROM score_sheets WHERE round <> 'final';
ALTER TABLE score_sheets DROP CONSTRAINT score_sheets_pkey;
ALTER TABLE score_sheets ADD PRIMARY KEY (juror_id, idea_id);
ALTER TABLE score_sheets DROP COLUMN round;

ALTER TABLE payouts DROP COLUMN track;
ALTER TABLE jurors DROP COLUMN track;
ALTER TABLE ideas DROP COLUMN track;
