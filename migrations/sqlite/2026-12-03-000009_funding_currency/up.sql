-- A funding is in one currency: the draft's when it was recorded. Opening counts only
-- confirmed fundings in the contest's currency. Fundings recorded before this migration get
-- their contest's currency of today (nothing older records it).
ALTER TABLE fundings ADD COLUMN currency TEXT NOT NULL DEFAULT '';
UPDATE fundings SET currency = (SELECT c.currency FROM contests c WHERE c.id = fundings.contest_id);
