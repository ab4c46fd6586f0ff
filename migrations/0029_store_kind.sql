-- Issue 23 (docs/design/paperwork.md §3.6, §8): what a store is for, fixed at creation.
-- Stores from before are real. The kind is also sealed in key.age (MDK2); both must agree at
-- every open, and no statement may change it.
ALTER TABLE store_meta ADD COLUMN kind TEXT NOT NULL DEFAULT 'real'
    CHECK (kind IN ('real', 'training'));

CREATE TRIGGER store_meta_kind_fixed
BEFORE UPDATE OF kind ON store_meta
WHEN NEW.kind IS NOT OLD.kind
BEGIN
    SELECT RAISE(ABORT, 'a store''s kind is fixed when it is created');
END;

-- Nor by replacing or removing the row (INSERT OR REPLACE deletes without delete triggers).
CREATE TRIGGER store_meta_kind_kept
BEFORE INSERT ON store_meta
WHEN EXISTS (SELECT 1 FROM store_meta WHERE kind IS NOT NEW.kind)
BEGIN
    SELECT RAISE(ABORT, 'a store''s kind is fixed when it is created');
END;

CREATE TRIGGER store_meta_kept
BEFORE DELETE ON store_meta
BEGIN
    SELECT RAISE(ABORT, 'a store''s kind is fixed when it is created');
END;
