DROP TABLE survey_sources;
