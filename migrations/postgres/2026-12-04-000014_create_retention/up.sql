-- How long each survey's free text and responses are kept, in months after
-- the survey closes (NULL: kept), who set it, and when each was deleted.
CREATE TABLE survey_retention (
    survey_id BIGINT PRIMARY KEY NOT NULL REFERENCES surveys (id),
    free_text_months INTEGER CHECK (free_text_months >= 0),
    responses_months INTEGER CHECK (responses_months >= 0),
    updated_by BIGINT NOT NULL REFERENCES officers (id),
    updated_at TIMESTAMP NOT NULL,
    free_text_deleted_at TIMESTAMP,
    responses_deleted_at TIMESTAMP
);
-- Every run of the retention job: when, how it was started, what it deleted.
CREATE TABLE retention_runs (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    started_by TEXT NOT NULL,
    free_text_deleted BIGINT NOT NULL,
    responses_deleted BIGINT NOT NULL
);
