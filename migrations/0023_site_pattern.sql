-- A site's own pattern (issue 21, seed 002 §2): a station counter may open on Saturdays and
-- Sundays (`weekends`, with the site's holiday-session plan; national holidays and 12/29–1/3
-- stay closed), and a branch may offer only some procedures (`procedures`: a JSON array of
-- procedure codes; NULL = every procedure). Synced with the site.
ALTER TABLE sites ADD COLUMN weekends INTEGER NOT NULL DEFAULT 0 CHECK (weekends IN (0, 1));
ALTER TABLE sites ADD COLUMN procedures TEXT;
