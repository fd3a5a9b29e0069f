-- The distribution channel a resident's link named (an id of the survey's
-- [[channels]]), so drafts started count per channel; the response stores
-- it as the answer to the hidden question "channel". NULL: the plain link.
ALTER TABLE drafts ADD COLUMN channel TEXT;
