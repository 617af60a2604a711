CREATE TABLE contest_transitions_old (
    contest_id TEXT NOT NULL REFERENCES contests (id),
    phase TEXT NOT NULL CHECK (phase IN ('draft_reminder', 'submission', 'judging', 'jury_reminder_48h', 'jury_reminder_24h')),
    done_at TIMESTAMP NOT NULL,
    PRIMARY KEY (contest_id, phase)
);
INSERT INTO contest_transitions_old (contest_id, phase, done_at)
    SELECT contest_id, phase, done_at FROM contest_transitions
    WHERE phase NOT LIKE 'jury_reminder_round:%';
DROP TABLE contest_transitions;
ALTER TABLE contest_transitions_old RENAME TO contest_transitions;

DROP TABLE round_closings;

CREATE TABLE scores_final (
    juror_id TEXT NOT NULL REFERENCES jurors (id),
    idea_id TEXT NOT NULL REFERENCES ideas (id),
    criterion TEXT NOT NULL,
    value INTEGER NOT NULL CHECK (value >= 0),
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (juror_id, idea_id, criterion)
);
INSERT INTO scores_final SELECT juror_id, idea_id, criterion, value, updated_at FROM scores
    WHERE round = 'final';
DROP TABLE scores;
ALTER TABLE scores_final RENAME TO scores;

CREATE TABLE score_sheets_final (
    juror_id TEXT NOT NULL REFERENCES jurors (id),
    idea_id TEXT NOT NULL REFERENCES ideas (id),
    comment TEXT,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (juror_id, idea_id)
);
INSERT INTO score_sheets_final SELECT juror_id, idea_id, comment, updated_at FROM score_sheets
    WHERE round = 'final';
DROP TABLE score_sheets;
ALTER TABLE score_sheets_final RENAME TO score_sheets;

ALTER TABLE payouts DROP COLUMN track;
ALTER TABLE jurors DROP COLUMN track;
ALTER TABLE ideas DROP COLUMN track;
