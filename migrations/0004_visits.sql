-- 0004 visits: the counter workflow of each case (one person of a checked-in reservation), every
-- step with its time, seat and staff (the chain of custody of the bundle), and the back
-- office's daily count of application forms for reconciliation.

CREATE TABLE visits (
    reservation_id  TEXT NOT NULL REFERENCES reservations (id),
    position        INTEGER NOT NULL,
    day             TEXT NOT NULL,             -- YYYY-MM-DD
    state           TEXT NOT NULL,
    seat_no         INTEGER,                   -- the counter seat it was called to
    handed_to       TEXT,                      -- city staff holding the bundle
    checked_in_at   TEXT NOT NULL,             -- local times, YYYY-MM-DDTHH:MM:SS
    called_at       TEXT,
    handed_at       TEXT,
    acknowledged_at TEXT,
    ended_at        TEXT,
    last_at         TEXT NOT NULL,
    end_reason      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (reservation_id, position)
) STRICT;
CREATE INDEX visits_day ON visits (day, state);

-- Append-only: each step as taken.
CREATE TABLE visit_events (
    reservation_id TEXT NOT NULL,
    position       INTEGER NOT NULL,
    step           TEXT NOT NULL,               -- JSON of the step (items, names, reasons)
    state_after    TEXT NOT NULL,
    at             TEXT NOT NULL,
    seat           TEXT NOT NULL,               -- the seat (PC) that recorded it
    staff          TEXT NOT NULL DEFAULT ''     -- staff id once sign-in exists
) STRICT;
CREATE INDEX visit_events_case ON visit_events (reservation_id, position);

-- How many application forms each procedure produces (申請書の枚数), configurable.
ALTER TABLE procedures ADD COLUMN forms INTEGER NOT NULL DEFAULT 1 CHECK (forms BETWEEN 0 AND 10);

-- The back office's count of application forms for a day, and its explanation of any difference.
CREATE TABLE form_counts (
    day        TEXT PRIMARY KEY,
    count      INTEGER NOT NULL CHECK (count >= 0),
    note       TEXT NOT NULL DEFAULT '',
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL
) STRICT;
