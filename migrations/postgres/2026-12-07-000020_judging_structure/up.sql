-- Judging structure (issue 20): rounds before the final one, tracks, panels per track.

-- The track an idea names, when the contest has tracks.
ALTER TABLE ideas ADD COLUMN track TEXT;
-- A juror's panel: the track whose entries they score (none: every entry).
ALTER TABLE jurors ADD COLUMN track TEXT;
-- The track whose prize a payout is (none: an overall prize).
ALTER TABLE payouts ADD COLUMN track TEXT;

-- Sheets and scores per round: the final round's key is 'final' (every sheet written before
-- rounds existed).
ALTER TABLE score_sheets ADD COLUMN round TEXT NOT NULL DEFAULT 'final';
ALTER TABLE score_sheets DROP CONSTRAINT score_sheets_pkey;
ALTER TABLE score_sheets ADD PRIMARY KEY (juror_id, idea_id, round);

ALTER TABLE scores ADD COLUMN round TEXT NOT NULL DEFAULT 'final';
ALTER TABLE scores DROP CONSTRAINT scores_pkey;
ALTER TABLE scores ADD PRIMARY KEY (juror_id, idea_id, round, criterion);

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
-- (`jury_reminder_round:<round key>`).
ALTER TABLE contest_transitions DROP CONSTRAINT contest_transitions_phase_check;
ALTER TABLE contest_transitions ADD CONSTRAINT contest_transitions_phase_check
    CHECK (phase IN ('draft_reminder', 'submission', 'judging', 'jury_reminder_48h', 'jury_reminder_24h') OR phase LIKE 'jury_reminder_round:%');
