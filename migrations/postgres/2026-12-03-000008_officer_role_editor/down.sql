UPDATE officers SET role = 'analyst' WHERE role = 'editor';
ALTER TABLE officers DROP CONSTRAINT officers_role_check;
ALTER TABLE officers ADD CONSTRAINT officers_role_check CHECK (role IN ('admin', 'analyst'));
