-- Public results shown only once the survey has closed (else live).
ALTER TABLE public_pages ADD COLUMN after_closing BOOLEAN NOT NULL DEFAULT FALSE;
