-- The definition file each file-defined survey was last published from, by
-- its content hash. At start a file is published again only when it changed
-- since, so a version published from the browser is not replaced by the
-- unchanged file it started from.
CREATE TABLE survey_sources (
    slug TEXT PRIMARY KEY NOT NULL,
    content_hash TEXT NOT NULL,
    loaded_at TIMESTAMP NOT NULL
);

-- Every survey published so far came from its file.
INSERT INTO survey_sources (slug, content_hash, loaded_at)
SELECT s.slug, v.content_hash, v.published_at
FROM surveys s
JOIN survey_versions v ON v.survey_id = s.id
WHERE v.version = (SELECT MAX(version) FROM survey_versions w WHERE w.survey_id = s.id);
