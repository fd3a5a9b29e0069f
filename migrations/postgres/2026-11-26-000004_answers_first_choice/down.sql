DROP INDEX answers_by_option;
CREATE INDEX answers_by_option ON answers (survey_id, question_id, option_id, response_id);
ALTER TABLE answers DROP COLUMN first_choice;
