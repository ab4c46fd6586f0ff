-- The call center holds the bookings it made, not the city's (issue 21, docs/sync-protocol.md
-- "Sites"): every row of a citizen's business may name, beside its site, the desk that made
-- the booking and holds it until it is served (check-in, cancellation or no-show clear it).
-- NULL everywhere in a store from before. No REFERENCES, as 0018: the domain keeps it a desk.
ALTER TABLE applicants ADD COLUMN desk_id TEXT;
ALTER TABLE reservations ADD COLUMN desk_id TEXT;
ALTER TABLE reservation_people ADD COLUMN desk_id TEXT;
ALTER TABLE search_keys ADD COLUMN desk_id TEXT;
ALTER TABLE checklists ADD COLUMN desk_id TEXT;
ALTER TABLE checklist_marks ADD COLUMN desk_id TEXT;
ALTER TABLE checklist_outcomes ADD COLUMN desk_id TEXT;
ALTER TABLE visits ADD COLUMN desk_id TEXT;
ALTER TABLE visit_events ADD COLUMN desk_id TEXT;
ALTER TABLE closure_affected ADD COLUMN desk_id TEXT;
ALTER TABLE conflicts ADD COLUMN desk_id TEXT;
ALTER TABLE inquiries ADD COLUMN desk_id TEXT;
ALTER TABLE complaint_steps ADD COLUMN desk_id TEXT;
-- A desk's snapshot reads its bookings by this.
CREATE INDEX reservations_desk ON reservations (desk_id) WHERE desk_id IS NOT NULL;

-- The places held per site, day, start and length: what a PC that does not hold a site's
-- bookings (the call center; a counter moving a booking away) counts that site's room from.
-- A city table (every PC holds it; counts only, no person). Kept by the sync layer's triggers
-- while a mutation is executed (a seat's own, or the hub's of a pushed one): the hub's counts,
-- made from every booking, reach the seats as effects of the same entry.
CREATE TABLE site_load (
    site_id TEXT NOT NULL,
    day     TEXT NOT NULL,
    starts  TEXT NOT NULL,
    slots   INTEGER NOT NULL,
    n       INTEGER NOT NULL,
    UNIQUE (site_id, day, starts, slots)
) STRICT;
-- Counted here from the bookings by the hub, a PC not enrolled, and a seat with nothing
-- pending (the same rows as the hub's, in the same order: the same rowids). A seat with
-- changes not synced yet holds rows the hub does not, and a rewind does not take them out of
-- counts made here: it starts empty, and its first sync finds its digest differs and loads the
-- hub's rows (a repair; its pending changes are kept and sent).
INSERT INTO site_load (site_id, day, starts, slots, n)
    SELECT site_id, day, starts, slots, count(*) FROM reservations
    WHERE status IN ('booked', 'checked_in')
      AND (NOT EXISTS (SELECT 1 FROM sync_link)
           OR NOT EXISTS (SELECT 1 FROM mutations WHERE hub_version IS NULL))
    GROUP BY site_id, day, starts, slots ORDER BY site_id, day, starts, slots;

-- Every synced row's JSON gained a column: as 0024, a seat behind the head loads a snapshot,
-- and a seat at the head compares the recomputed digests only. A PC holding one site counted
-- its own bookings only above: its digest differs from the hub's, and it repairs.
UPDATE hub_state SET floor = (SELECT coalesce(max(version), 0) FROM hub_log);
UPDATE sync_link SET hub_digest = NULL;
