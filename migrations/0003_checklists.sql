-- 0003 checklists: per-person document checklists of a reservation (phone intake and counter),
-- the history of every mark (who, when), the outcome (ready / revisit with reason), and the
-- link from a second visit to the first (文書照会 and other revisits).

-- The current record of one person's checklist at one stage. `input` is the JSON of the facts,
-- marks and identity documents shown (document kinds only: never numbers, never PINs).
CREATE TABLE checklists (
    reservation_id TEXT NOT NULL REFERENCES reservations (id),
    position       INTEGER NOT NULL,
    stage          TEXT NOT NULL CHECK (stage IN ('phone', 'counter')),
    input          TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,            -- seat (staff once sign-in exists)
    recorded_at    TEXT NOT NULL,            -- local time
    PRIMARY KEY (reservation_id, position, stage)
) STRICT;

-- Append-only: each change of an item's mark.
CREATE TABLE checklist_marks (
    reservation_id TEXT NOT NULL REFERENCES reservations (id),
    position       INTEGER NOT NULL,
    stage          TEXT NOT NULL,
    item           TEXT NOT NULL,
    mark           TEXT NOT NULL CHECK (mark IN ('unknown', 'confirmed_orally', 'presented', 'missing')),
    recorded_by    TEXT NOT NULL,
    recorded_at    TEXT NOT NULL
) STRICT;
CREATE INDEX checklist_marks_case ON checklist_marks (reservation_id, position);

-- What the counter decided for one person: ready, or revisit with the reason and the items
-- still missing (shown to the citizen as what to bring next time).
CREATE TABLE checklist_outcomes (
    reservation_id TEXT NOT NULL REFERENCES reservations (id),
    position       INTEGER NOT NULL,
    outcome        TEXT NOT NULL CHECK (outcome IN ('ready', 'revisit')),
    reason         TEXT NOT NULL DEFAULT '',
    missing        TEXT NOT NULL DEFAULT '[]',  -- JSON array of item ids
    rules_version  TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    recorded_at    TEXT NOT NULL,
    PRIMARY KEY (reservation_id, position)
) STRICT;

-- A second visit points at the first; its checklist starts from the first one's.
ALTER TABLE reservations ADD COLUMN revisit_of TEXT REFERENCES reservations (id);

-- The city's last good checklist rules file, so a broken override falls back to it (not to the
-- national defaults) even after a restart.
CREATE TABLE checklist_rules_cache (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    text TEXT NOT NULL
) STRICT;
