DROP TRIGGER IF EXISTS contests_award_final ON contests;
DROP FUNCTION IF EXISTS contests_award_final();
ALTER TABLE ledger_entries DROP COLUMN payout_id;
DROP TABLE payouts;
DROP TABLE awards;
ALTER TABLE contests DROP COLUMN awarded_at;
