ALTER TABLE drafts DROP COLUMN channel;
