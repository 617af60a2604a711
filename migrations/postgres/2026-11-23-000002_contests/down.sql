DROP TABLE contest_transitions;
DROP TABLE audit_events;
DROP TABLE announcements;
DROP TABLE ledger_entries;
DROP TABLE fundings;
DROP TABLE contests;
DROP FUNCTION refuse_change();
DROP FUNCTION contests_rules_frozen();
