PRAGMA foreign_keys = OFF;
BEGIN;
UPDATE officers SET role = 'analyst' WHERE role = 'editor';
CREATE TABLE officers_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'analyst')),
    created_at TIMESTAMP NOT NULL,
    disabled_at TIMESTAMP
);
INSERT INTO officers_old (id, email, password_hash, role, created_at, disabled_at)
    SELECT id, email, password_hash, role, created_at, disabled_at FROM officers;
DROP TABLE officers;
ALTER TABLE officers_old RENAME TO officers;
COMMIT;
PRAGMA foreign_keys = ON;
