ALTER TABLE fundings DROP COLUMN currency;
