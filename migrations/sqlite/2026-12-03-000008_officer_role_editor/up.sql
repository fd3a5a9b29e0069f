-- A third role, `editor`: builds surveys, manages no officers.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE officers_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'editor')),
    created_at TIMESTAMP NOT NULL,
    disabled_at TIMESTAMP
);
INSERT INTO officers_new (id, email, password_hash, role, created_at, disabled_at)
    SELECT id, email, password_hash, role, created_at, disabled_at FROM officers;
DROP TABLE officers;
ALTER TABLE officers_new RENAME TO officers;
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
