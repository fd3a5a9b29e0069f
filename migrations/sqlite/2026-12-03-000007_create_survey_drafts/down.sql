DROP TABLE survey_audit;
DROP TABLE survey_drafts;
