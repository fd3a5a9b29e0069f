ALTER TABLE public_pages DROP COLUMN after_closing;
