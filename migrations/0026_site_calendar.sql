-- Holiday sessions and closures per site (issue 21): the city designates a 休日交付 day at
-- 本庁舎 only, or the station counter closes for the building's maintenance while the others
-- open. `site_id` '' is every site (the city's calendar, as before); a site's code, that site
-- only, on top of the city's. City tables still (every PC holds the whole calendar: a call
-- center books for every site). The keys change, so the tables are rebuilt with their rowids
-- (effects, snapshots and digests name rows by rowid); an undo record from before names the
-- old columns only and puts its row back as the city's, which it was.
CREATE TABLE holiday_sessions_v2 (
    day     TEXT NOT NULL,
    site_id TEXT NOT NULL DEFAULT '',
    note    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (day, site_id)
) STRICT;
INSERT INTO holiday_sessions_v2 (rowid, day, site_id, note)
    SELECT rowid, day, '', note FROM holiday_sessions;
DROP TABLE holiday_sessions;
ALTER TABLE holiday_sessions_v2 RENAME TO holiday_sessions;

CREATE TABLE closures_v2 (
    day          TEXT NOT NULL,
    site_id      TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL CHECK (reason IN ('maintenance', 'disaster', 'system_outage', 'other')),
    note         TEXT NOT NULL DEFAULT '',
    closed_from  TEXT,                       -- HH:MM; NULL = from opening
    closed_until TEXT,                       -- HH:MM; NULL = until closing
    recorded_at  TEXT NOT NULL,
    PRIMARY KEY (day, site_id)
) STRICT;
INSERT INTO closures_v2 (rowid, day, site_id, reason, note, closed_from, closed_until, recorded_at)
    SELECT rowid, day, '', reason, note, closed_from, closed_until, recorded_at FROM closures;
-- The bookings a closure hit name the closure by day and site (`closure_site`); the row's own
-- `site_id` and `desk_id` are its booking's part, as before.
CREATE TABLE closure_affected_v2 (
    day            TEXT NOT NULL,
    closure_site   TEXT NOT NULL DEFAULT '',
    reservation_id TEXT NOT NULL REFERENCES reservations (id),
    site_id        TEXT NOT NULL DEFAULT 'main',
    desk_id        TEXT,
    PRIMARY KEY (day, closure_site, reservation_id),
    FOREIGN KEY (day, closure_site) REFERENCES closures_v2 (day, site_id) ON DELETE CASCADE
) STRICT;
INSERT INTO closure_affected_v2 (rowid, day, closure_site, reservation_id, site_id, desk_id)
    SELECT rowid, day, '', reservation_id, site_id, desk_id FROM closure_affected;
DROP TABLE closure_affected;
DROP TABLE closures;
ALTER TABLE closures_v2 RENAME TO closures;
ALTER TABLE closure_affected_v2 RENAME TO closure_affected;
CREATE INDEX closure_affected_reservation ON closure_affected (reservation_id);

-- The synced rows' text changed: as 0024 and 0025.
UPDATE hub_state SET floor = (SELECT coalesce(max(version), 0) FROM hub_log);
UPDATE sync_link SET hub_digest = NULL;
