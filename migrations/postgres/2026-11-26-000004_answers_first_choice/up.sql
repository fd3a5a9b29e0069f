-- One answer row per (response, question) carries first_choice = 1, so the
-- results' one GROUP BY (question, option) also gives each question's
-- respondents as SUM(first_choice), without a second COUNT(DISTINCT) pass.
ALTER TABLE answers ADD COLUMN first_choice INTEGER NOT NULL DEFAULT 0;
UPDATE answers SET first_choice = 1
WHERE option_id = (
    SELECT MIN(a.option_id) FROM answers a
    WHERE a.response_id = answers.response_id AND a.question_id = answers.question_id
);
-- Every writer must say which row is first: no default from here on, so an
-- instance still running code from before this column fails loudly instead
-- of storing rows that count for no question's respondents.
ALTER TABLE answers ALTER COLUMN first_choice DROP DEFAULT;
-- The covering index now holds first_choice too.
DROP INDEX answers_by_option;
CREATE INDEX answers_by_option ON answers (survey_id, question_id, option_id, response_id) INCLUDE (first_choice);
