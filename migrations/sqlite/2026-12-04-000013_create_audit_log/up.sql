-- One audit log of officer actions: sign-ins, exports, survey changes,
-- publishing, officers and tokens, weighting, purges. It takes in the
-- survey audit and the export log, oldest first, and is append-only: the
-- triggers refuse to change or delete a row. It holds no resident data.
-- officer_id is empty for what no signed-in officer did: a failed sign-in
-- to an address with no account, the command line, the retention job.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TIMESTAMP NOT NULL,
    officer_id BIGINT REFERENCES officers (id),
    action TEXT NOT NULL,
    survey_slug TEXT,
    detail TEXT NOT NULL
);
INSERT INTO audit_log (at, officer_id, action, survey_slug, detail)
SELECT at, officer_id, action, survey_slug, detail FROM (
    SELECT at, officer_id, action, survey_slug, detail, 0 AS source, id FROM survey_audit
    UNION ALL
    SELECT created_at, officer_id, 'export', survey_slug,
           kind || CASE WHEN filters = '' THEN '' ELSE ' (' || filters || ')' END, 1, id
    FROM export_log
) ORDER BY at, source, id;
DROP TABLE survey_audit;
DROP TABLE export_log;
CREATE INDEX audit_log_by_time ON audit_log (at);
CREATE INDEX audit_log_by_survey ON audit_log (survey_slug);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
