-- A third role, `editor`: builds surveys, manages no officers.
ALTER TABLE officers DROP CONSTRAINT officers_role_check;
ALTER TABLE officers ADD CONSTRAINT officers_role_check CHECK (role IN ('admin', 'analyst', 'editor'));
