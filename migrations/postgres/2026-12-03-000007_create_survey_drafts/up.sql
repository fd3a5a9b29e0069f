-- A survey being built in the browser, before it is published: its whole
-- definition in the stored form of a version (JSON), which always passes the
-- same checks as a definition file. One draft per slug; the revision goes up
-- with every save, so two officers cannot overwrite each other unseen.
CREATE TABLE survey_drafts (
    slug TEXT PRIMARY KEY NOT NULL,
    definition TEXT NOT NULL,
    revision INTEGER NOT NULL,
    copied_from TEXT,
    updated_by BIGINT NOT NULL REFERENCES officers (id),
    updated_at TIMESTAMP NOT NULL
);

-- Who created, copied, edited, published or changed the state of which
-- survey, and when.
CREATE TABLE survey_audit (
    id BIGSERIAL PRIMARY KEY,
    officer_id BIGINT NOT NULL REFERENCES officers (id),
    survey_slug TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX survey_audit_by_time ON survey_audit (at);
