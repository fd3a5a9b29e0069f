-- Every export an officer makes: who, what, when, with which filters.
CREATE TABLE export_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    officer_id INTEGER NOT NULL REFERENCES officers (id),
    survey_slug TEXT NOT NULL,
    kind TEXT NOT NULL,
    filters TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX export_log_by_time ON export_log (created_at);
