DROP TABLE survey_controls;
