-- A draft may be the next version of a published survey (the same slug):
-- the version number it was made from, so publishing it can refuse if
-- another version was published in the meantime. NULL for a new survey.
ALTER TABLE survey_drafts ADD COLUMN revises INTEGER;
