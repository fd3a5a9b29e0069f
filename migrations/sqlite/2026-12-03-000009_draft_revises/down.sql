ALTER TABLE survey_drafts DROP COLUMN revises;
