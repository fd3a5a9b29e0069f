-- Surveys, their frozen versions, drafts in progress and complete responses.
-- Answers are one row per chosen option, so every count is a GROUP BY.

CREATE TABLE surveys (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE survey_versions (
    id BIGSERIAL PRIMARY KEY,
    survey_id BIGINT NOT NULL REFERENCES surveys (id),
    version INTEGER NOT NULL,
    definition TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    UNIQUE (survey_id, version)
);

CREATE TABLE drafts (
    id BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    survey_id BIGINT NOT NULL REFERENCES surveys (id),
    survey_version_id BIGINT NOT NULL REFERENCES survey_versions (id),
    answers TEXT NOT NULL,
    revision INTEGER NOT NULL,
    started_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP
);
CREATE INDEX drafts_by_survey ON drafts (survey_id, started_at);

CREATE TABLE responses (
    id BIGSERIAL PRIMARY KEY,
    survey_id BIGINT NOT NULL REFERENCES surveys (id),
    survey_version_id BIGINT NOT NULL REFERENCES survey_versions (id),
    draft_id BIGINT NOT NULL UNIQUE REFERENCES drafts (id),
    submitted_at TIMESTAMP NOT NULL,
    -- The UTC day, kept so responses per day is a GROUP BY on an index.
    submitted_on DATE NOT NULL
);
CREATE INDEX responses_by_survey ON responses (survey_id, submitted_on);

CREATE TABLE answers (
    response_id BIGINT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    survey_id BIGINT NOT NULL REFERENCES surveys (id),
    question_id TEXT NOT NULL,
    option_id TEXT NOT NULL,
    detail TEXT,
    PRIMARY KEY (response_id, question_id, option_id)
);
-- Counting by survey, question and option, and filtering by another answer of
-- the same response (response_id IN (SELECT response_id ... WHERE question_id =
-- ? AND option_id = ?)), both from this one covering index.
CREATE INDEX answers_by_option ON answers (survey_id, question_id, option_id, response_id);

CREATE TABLE app_secrets (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
