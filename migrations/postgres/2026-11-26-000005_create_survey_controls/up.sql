-- An administrator's decision to open or close a survey now, overriding the
-- dates in its definition. No row: the dates rule. One row per survey, the
-- latest decision, with who made it and when.
CREATE TABLE survey_controls (
    survey_id BIGINT PRIMARY KEY NOT NULL REFERENCES surveys (id),
    state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
    officer_id BIGINT NOT NULL REFERENCES officers (id),
    changed_at TIMESTAMP NOT NULL
);
