-- 0018 sites (issue 21, slice 1): a city has sites (本庁舎, a station counter, 分室, a call
-- center, a one-day outreach venue). A store from before is a city with one site, `main`.
-- See docs/design/sites.md.
--
-- Every store (hub and seats) runs this on the same rows and writes nothing from a local value
-- (the site name in store_meta differs per PC), so the synced rows stay identical everywhere
-- and the seats at the hub's head go on without a repair.

-- The city's sites; synced (every seat knows every site's name and kind). `kind`: `counter`
-- (serves citizens), `desk` (the call center: books for every site, serves nobody) or
-- `outreach` (a one-day site at a venue). `name` '' reads as the store's site name.
CREATE TABLE sites (
    id       TEXT PRIMARY KEY CHECK (id GLOB '[a-z0-9]*' AND length(id) <= 40),
    name     TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('counter', 'desk', 'outreach')),
    position INTEGER NOT NULL,
    active   INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    -- An outreach site (出張申請) opens on its day only; sealed, only its own laptop books it
    -- and the hub gives that laptop every free place to work offline all day.
    day      TEXT,
    sealed   INTEGER NOT NULL DEFAULT 0 CHECK (sealed IN (0, 1)),
    CHECK ((kind = 'outreach') = (day IS NOT NULL))
) STRICT;
INSERT INTO sites (rowid, id, name, kind, position, active) VALUES (1, 'main', '', 'counter', 1, 1);

-- The site every row of a citizen's business belongs to. Children carry their reservation's
-- (or inquiry's) site, so each row says by itself where it belongs: the rule partitioned
-- replication uses (docs/design/sites.md §2.1). No REFERENCES: SQLite refuses a foreign key
-- with a non-NULL default on an added column; the domain checks the site exists.
ALTER TABLE applicants ADD COLUMN site_id TEXT NOT NULL DEFAULT 'main';
ALTER TABLE reservations ADD COLUMN site_id TEXT NOT NULL DEFAULT 'main';
ALTER TABLE reservation_people ADD COLUMN site_id TEXT NOT NULL DEFAULT 'main';
ALTER TABLE search_keys ADD COLUMN site_id TEXT NOT NULL DEFAULT 'main';
ALTER TABLE checklists ADD COLUMN site_id TEXT NOT NULL DEFAULT 'main';
ALTER TABLE checklist_marks ADD COLUMN site_id TEXT NOT NULL DEFAULT 'main';
ALTER TABLE checklist_outcomes ADD COLUMN site_id TEXT NOT NULL DEFAULT 'main';
ALTER TABLE visits ADD COLUMN site_id TEXT NOT NULL DEFAULT 'main';
ALTER TABLE visit_events ADD COLUMN site_id TEXT NOT NULL DEFAULT 'main';
ALTER TABLE closure_affected ADD COLUMN site_id TEXT NOT NULL DEFAULT 'main';
ALTER TABLE conflicts ADD COLUMN site_id TEXT NOT NULL DEFAULT 'main';
ALTER TABLE inquiries ADD COLUMN site_id TEXT NOT NULL DEFAULT 'main';
ALTER TABLE complaint_steps ADD COLUMN site_id TEXT NOT NULL DEFAULT 'main';

-- Each site has its own slot plans and capacity (a station counter with two seats, a 分室 with
-- one). The keys change, so the tables are rebuilt; rowids are copied, since effects, snapshots
-- and digests name rows by rowid. `site_id` defaults to 'main' so that an undo record written
-- before this migration (a change pending in a seat's outbox at the upgrade, which names the
-- old columns only) still puts its row back. The city's calendar (holiday sessions, closures) stays
-- city-wide for now.
CREATE TABLE slot_plans_v2 (
    site_id      TEXT NOT NULL DEFAULT 'main' REFERENCES sites (id),
    kind         TEXT NOT NULL CHECK (kind IN ('regular', 'holiday_session')),
    slot_minutes INTEGER NOT NULL CHECK (slot_minutes BETWEEN 5 AND 120),
    PRIMARY KEY (site_id, kind)
) STRICT;
CREATE TABLE slot_bands_v2 (
    site_id  TEXT NOT NULL DEFAULT 'main',
    kind     TEXT NOT NULL,
    starts   TEXT NOT NULL,               -- HH:MM
    ends     TEXT NOT NULL,               -- HH:MM
    capacity INTEGER NOT NULL CHECK (capacity BETWEEN 0 AND 50),
    PRIMARY KEY (site_id, kind, starts),
    FOREIGN KEY (site_id, kind) REFERENCES slot_plans_v2 (site_id, kind)
) STRICT;
CREATE TABLE capacity_overrides_v2 (
    site_id  TEXT NOT NULL DEFAULT 'main' REFERENCES sites (id),
    day      TEXT NOT NULL,                -- YYYY-MM-DD
    starts   TEXT NOT NULL,                -- band start HH:MM
    capacity INTEGER NOT NULL CHECK (capacity BETWEEN 0 AND 50),
    PRIMARY KEY (site_id, day, starts)
) STRICT;
INSERT INTO slot_plans_v2 (rowid, site_id, kind, slot_minutes)
    SELECT rowid, 'main', kind, slot_minutes FROM slot_plans;
INSERT INTO slot_bands_v2 (rowid, site_id, kind, starts, ends, capacity)
    SELECT rowid, 'main', kind, starts, ends, capacity FROM slot_bands;
INSERT INTO capacity_overrides_v2 (rowid, site_id, day, starts, capacity)
    SELECT rowid, 'main', day, starts, capacity FROM capacity_overrides;
DROP TABLE slot_bands;
DROP TABLE slot_plans;
DROP TABLE capacity_overrides;
ALTER TABLE slot_plans_v2 RENAME TO slot_plans;
ALTER TABLE slot_bands_v2 RENAME TO slot_bands;
ALTER TABLE capacity_overrides_v2 RENAME TO capacity_overrides;

-- The back office counts each site's application forms.
CREATE TABLE form_counts_v2 (
    site_id    TEXT NOT NULL DEFAULT 'main' REFERENCES sites (id),
    day        TEXT NOT NULL,
    count      INTEGER NOT NULL CHECK (count >= 0),
    note       TEXT NOT NULL DEFAULT '',
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    note_code  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (site_id, day)
) STRICT;
INSERT INTO form_counts_v2 (rowid, site_id, day, count, note, entered_by, entered_at, note_code)
    SELECT rowid, 'main', day, count, note, entered_by, entered_at, note_code FROM form_counts;
DROP TABLE form_counts;
ALTER TABLE form_counts_v2 RENAME TO form_counts;

-- The sites each member of the counter staff works at (seed 002 §11チ: the roster per place,
-- used for entry control). A member with no row works at every site (a one-site city, and
-- everyone until a manager says otherwise); managers, deputies and city staff work anywhere.
CREATE TABLE staff_sites (
    staff_code TEXT NOT NULL REFERENCES staff (code),
    site_id    TEXT NOT NULL REFERENCES sites (id),
    PRIMARY KEY (staff_code, site_id)
) STRICT;
-- The site of each sign-in (this PC's attendance record, per site).
ALTER TABLE sign_ins ADD COLUMN site_id TEXT NOT NULL DEFAULT 'main';

-- Which site each seat works for (set by the enrolment code it used, moved by a manager at
-- the hub), and on the seat, what the hub said at the last hello (NULL before: the city's
-- first site).
ALTER TABLE hub_seats ADD COLUMN site_id TEXT NOT NULL DEFAULT 'main';
ALTER TABLE hub_enrolment_codes ADD COLUMN site_id TEXT;
ALTER TABLE sync_link ADD COLUMN site_id TEXT;

-- The rows' text changed (a new column), so the digests are computed again at open. The
-- hub's digests logged after earlier entries describe the rows without it: a seat behind the
-- head loads a snapshot ('compacted') instead of replaying entries it could not verify, and a
-- seat at the head compares the recomputed digests only (the one it verified is forgotten).
UPDATE hub_state SET floor = (SELECT coalesce(max(version), 0) FROM hub_log);
UPDATE sync_link SET hub_digest = NULL;
