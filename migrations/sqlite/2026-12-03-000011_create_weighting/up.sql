-- Weighting to the population (issue 11): the targets an admin uploaded for
-- a survey, how raking to them went, and one weight per response weighted.
-- Responses that arrive later have no row until the weights are computed
-- again; weighted views count only responses with a weight, and say so.
CREATE TABLE weighting_schemes (
    survey_id INTEGER PRIMARY KEY NOT NULL REFERENCES surveys (id),
    -- The targets file as uploaded (CSV).
    targets TEXT NOT NULL,
    cap DOUBLE PRECISION NOT NULL,
    officer_id INTEGER NOT NULL REFERENCES officers (id),
    computed_at TIMESTAMP NOT NULL,
    responses BIGINT NOT NULL,
    -- The newest response weighted: later ones are not.
    last_response_id BIGINT NOT NULL,
    iterations INTEGER NOT NULL,
    converged BOOLEAN NOT NULL,
    max_gap DOUBLE PRECISION NOT NULL,
    trimmed BIGINT NOT NULL,
    min_weight DOUBLE PRECISION NOT NULL,
    max_weight DOUBLE PRECISION NOT NULL
);
-- The rowid is the response id, so the weighted GROUP BY finds each answer's
-- weight by its response's rowid.
CREATE TABLE response_weights (
    response_id INTEGER PRIMARY KEY NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    survey_id INTEGER NOT NULL REFERENCES surveys (id),
    weight DOUBLE PRECISION NOT NULL,
    -- The response's UTC day, copied so a weighted view's responses per day
    -- and its weight totals come from this table alone.
    submitted_on DATE NOT NULL
);
CREATE INDEX response_weights_by_survey ON response_weights (survey_id, submitted_on);
