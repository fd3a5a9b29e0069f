DROP TABLE app_secrets;
DROP TABLE answers;
DROP TABLE responses;
DROP TABLE drafts;
DROP TABLE survey_versions;
DROP TABLE surveys;
