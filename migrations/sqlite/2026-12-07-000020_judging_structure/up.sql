-- Judging structure (issue 20): rounds before the final one, tracks, panels per track.

-- The track an idea names, when the contest has tracks.
ALTER TABLE ideas ADD COLUMN track TEXT;
-- A juror's panel: the track whose entries they score (none: every entry).
ALTER TABLE jurors ADD COLUMN track TEXT;
-- The track whose prize a payout is (none: an overall prize).
ALTER TABLE payouts ADD COLUMN track TEXT;

-- Sheets and scores per round: the final round's key is 'final' (every sheet written before
-- rounds existed). SQLite cannot change a primary key in place: the tables are rebuilt.
CREATE TABLE score_sheets_by_round (
    juror_id TEXT NOT NULL REFERENCES jurors (id),
    idea_id TEXT NOT NULL REFERENCES ideas (id),
    round TEXT NOT NULL DEFAULT 'final',
    comment TEXT,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (juror_id, idea_id, round)
);
INSERT INTO score_sheets_by_round (juror_id, idea_id, round, comment, updated_at)
    SELECT juror_id, idea_id, 'final', comment, updated_at FROM score_sheets;
DROP TABLE score_sheets;
ALTER TABLE score_sheets_by_round RENAME TO score_sheets;

CREATE TABLE scores_by_round (
    juror_id TEXT NOT NULL REFERENCES jurors (id),
    idea_id TEXT NOT NULL REFERENCES ideas (id),
    round TEXT NOT NULL DEFAULT 'final',
    criterion TEXT NOT NULL,
    value INTEGER NOT NULL CHECK (value >= 0),
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (juror_id, idea_id, round, criterion)
);
INSERT INTO scores_by_round (juror_id, idea_id, round, criterion, value, updated_at)
    SELECT juror_id, idea_id, 'final', criterion, value, updated_at FROM scores;
DROP TABLE scores;
ALTER TABLE scores_by_round RENAME TO scores;

-- A round's close, once: who was in it and who advanced (JSON arrays of idea ids).
CREATE TABLE round_closings (
    contest_id TEXT NOT NULL REFERENCES contests (id),
    round TEXT NOT NULL,
    closed_at TIMESTAMP NOT NULL,
    entrants TEXT NOT NULL,
    advanced TEXT NOT NULL,
    PRIMARY KEY (contest_id, round)
);

-- The scheduler's steps: one more kind, the reminder a day before an earlier round ends
-- (`jury_reminder_round:<round key>`). SQLite rebuilds the table to change its CHECK.
CREATE TABLE contest_transitions_new (
    contest_id TEXT NOT NULL REFERENCES contests (id),
    phase TEXT NOT NULL CHECK (phase IN ('draft_reminder', 'submission', 'judging', 'jury_reminder_48h', 'jury_reminder_24h') OR phase LIKE 'jury_reminder_round:%'),
    done_at TIMESTAMP NOT NULL,
    PRIMARY KEY (contest_id, phase)
);
INSERT INTO contest_transitions_new (contest_id, phase, done_at)
    SELECT contest_id, phase, done_at FROM contest_transitions;
DROP TABLE contest_transitions;
ALTER TABLE contest_transitions_new RENAME TO contest_transitions;
