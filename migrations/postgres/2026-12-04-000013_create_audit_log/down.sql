-- Back to the survey audit and the export log. Entries that neither held
-- (sign-ins, officers, tokens, purges, the command line's) are dropped.
CREATE TABLE survey_audit (
    id BIGSERIAL PRIMARY KEY,
    officer_id BIGINT NOT NULL REFERENCES officers (id),
    survey_slug TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX survey_audit_by_time ON survey_audit (at);
CREATE TABLE export_log (
    id BIGSERIAL PRIMARY KEY,
    officer_id BIGINT NOT NULL REFERENCES officers (id),
    survey_slug TEXT NOT NULL,
    kind TEXT NOT NULL,
    filters TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX export_log_by_time ON export_log (created_at);
INSERT INTO survey_audit (officer_id, survey_slug, action, detail, at)
SELECT officer_id, survey_slug, action, detail, at FROM audit_log
WHERE action IN ('create', 'edit', 'discard', 'publish', 'state', 'public results', 'weights')
  AND officer_id IS NOT NULL AND survey_slug IS NOT NULL
ORDER BY id;
INSERT INTO export_log (officer_id, survey_slug, kind, filters, created_at)
SELECT officer_id, survey_slug,
       CASE WHEN strpos(detail, ' (') > 0 THEN substr(detail, 1, strpos(detail, ' (') - 1) ELSE detail END,
       CASE WHEN strpos(detail, ' (') > 0 THEN substr(detail, strpos(detail, ' (') + 2, length(detail) - strpos(detail, ' (') - 2) ELSE '' END,
       at
FROM audit_log
WHERE action = 'export' AND officer_id IS NOT NULL AND survey_slug IS NOT NULL
ORDER BY id;
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only();
