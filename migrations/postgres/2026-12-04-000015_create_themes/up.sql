-- Themes officers code one question's free-text answers with, and which
-- answers have which theme, who gave it and when. An answer is a response's
-- free text to the question, so an assignment names the response.
CREATE TABLE text_themes (
    id BIGSERIAL PRIMARY KEY,
    survey_id BIGINT NOT NULL REFERENCES surveys (id),
    question_id TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES officers (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (survey_id, question_id, name_key)
);
CREATE TABLE theme_assignments (
    theme_id BIGINT NOT NULL REFERENCES text_themes (id),
    response_id BIGINT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    assigned_by BIGINT NOT NULL REFERENCES officers (id),
    assigned_at TIMESTAMP NOT NULL,
    PRIMARY KEY (theme_id, response_id)
);
CREATE INDEX theme_assignments_by_response ON theme_assignments (response_id);
