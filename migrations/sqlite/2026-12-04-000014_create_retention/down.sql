DROP TABLE retention_runs;
DROP TABLE survey_retention;
