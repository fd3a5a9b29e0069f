-- Public results (issue 13): what an admin chose to publish of a survey, and
-- the published figures themselves. The snapshot holds only what the page
-- shows (suppressed, stats::public), and moves on only once at least k new
-- responses have arrived, so comparing two versions of the page never picks
-- out fewer than k people.
CREATE TABLE public_pages (
    survey_id INTEGER PRIMARY KEY NOT NULL REFERENCES surveys (id),
    -- The question ids shown, one per line, in order.
    questions TEXT NOT NULL,
    -- A demographic question to break the tables down by, if any.
    breakdown TEXT,
    -- "You said, we did", written by officers.
    you_said TEXT NOT NULL,
    published BOOLEAN NOT NULL,
    -- The published figures (JSON), their count of responses and time.
    snapshot TEXT,
    snapshot_responses BIGINT NOT NULL,
    snapshot_at TIMESTAMP,
    updated_by INTEGER NOT NULL REFERENCES officers (id),
    updated_at TIMESTAMP NOT NULL
);
