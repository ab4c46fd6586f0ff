-- 0002 reservations: procedures, the slot plan, the business calendar's local data, bookings,
-- and the mutation log that sync will ship to the hub.

-- Procedures people book, with how long each takes at the counter (configurable).
CREATE TABLE procedures (
    code    TEXT PRIMARY KEY,
    minutes INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 240)
) STRICT;
INSERT INTO procedures (code, minutes) VALUES
    ('card_issue', 30),
    ('card_reissue', 30),
    ('details_change', 15),
    ('certificate_issue', 15),
    ('certificate_renewal', 15);

-- The slot plan of a kind of day ('regular' weekdays, 'holiday_session' Saturdays/Sundays).
-- Slots are `slot_minutes` long from opening time; each band gives the seats open (capacity).
CREATE TABLE slot_plans (
    kind         TEXT PRIMARY KEY CHECK (kind IN ('regular', 'holiday_session')),
    slot_minutes INTEGER NOT NULL CHECK (slot_minutes BETWEEN 5 AND 120)
) STRICT;
CREATE TABLE slot_bands (
    kind     TEXT NOT NULL REFERENCES slot_plans (kind),
    starts   TEXT NOT NULL,               -- HH:MM
    ends     TEXT NOT NULL,               -- HH:MM
    capacity INTEGER NOT NULL CHECK (capacity BETWEEN 0 AND 50),
    PRIMARY KEY (kind, starts)
) STRICT;
INSERT INTO slot_plans (kind, slot_minutes) VALUES ('regular', 15), ('holiday_session', 15);
INSERT INTO slot_bands (kind, starts, ends, capacity) VALUES
    ('regular', '09:00', '12:00', 4),
    ('regular', '12:00', '13:00', 2),      -- lunch rotation: half the seats
    ('regular', '13:00', '17:00', 4),
    ('holiday_session', '09:00', '12:00', 4),
    ('holiday_session', '13:00', '17:00', 4);

-- 繁閑: capacity of one band on one day, overriding the plan.
CREATE TABLE capacity_overrides (
    day      TEXT NOT NULL,                -- YYYY-MM-DD
    starts   TEXT NOT NULL,                -- band start HH:MM
    capacity INTEGER NOT NULL CHECK (capacity BETWEEN 0 AND 50),
    PRIMARY KEY (day, starts)
) STRICT;

-- City-designated holiday sessions (休日交付) and ad-hoc closures / shortened days.
CREATE TABLE holiday_sessions (
    day  TEXT PRIMARY KEY,
    note TEXT NOT NULL DEFAULT ''
) STRICT;
-- A closure is also the incident record (J-LIS outage, disaster…): when it was recorded and
-- which bookings it hit, kept even after they are rebooked.
CREATE TABLE closures (
    day         TEXT PRIMARY KEY,
    reason      TEXT NOT NULL CHECK (reason IN ('maintenance', 'disaster', 'system_outage', 'other')),
    note        TEXT NOT NULL DEFAULT '',
    closed_from TEXT,                       -- HH:MM; NULL = from opening
    closed_until TEXT,                      -- HH:MM; NULL = until closing
    recorded_at TEXT NOT NULL
) STRICT;
CREATE TABLE closure_affected (
    day            TEXT NOT NULL REFERENCES closures (day) ON DELETE CASCADE,
    reservation_id TEXT NOT NULL REFERENCES reservations (id),
    PRIMARY KEY (day, reservation_id)
) STRICT;

-- City rules for bookings (one row): how far ahead and how late a booking may be made,
-- lateness, one booking per person.
CREATE TABLE booking_rules (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    days_ahead          INTEGER NOT NULL CHECK (days_ahead BETWEEN 1 AND 366),
    min_days_before     INTEGER NOT NULL CHECK (min_days_before BETWEEN 0 AND 60),
    late_minutes        INTEGER NOT NULL CHECK (late_minutes BETWEEN 0 AND 120),
    one_booking_per_person INTEGER NOT NULL CHECK (one_booking_per_person IN (0, 1))
) STRICT;
INSERT INTO booking_rules VALUES (1, 45, 0, 5, 1);

-- Search keys for applicants (folded kana, folded name) so search is an index lookup.
ALTER TABLE applicants ADD COLUMN kana_key TEXT NOT NULL DEFAULT '';
ALTER TABLE applicants ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
-- One booking per person: same folded kana and the same phone (or birth date).
CREATE INDEX applicants_kana_key ON applicants (kana_key, phone);
CREATE INDEX applicants_kana_birth ON applicants (kana_key, birth_date);
CREATE INDEX applicants_name_key ON applicants (name_key);

-- A reservation: one visit at one place in the day's slots, for one or more people.
CREATE TABLE reservations (
    id            TEXT PRIMARY KEY,         -- UUIDv7
    number        INTEGER NOT NULL UNIQUE,  -- ReservationNumber (8 digits with check digit)
    day           TEXT NOT NULL,            -- YYYY-MM-DD
    starts        TEXT NOT NULL,            -- HH:MM, a slot start
    slots         INTEGER NOT NULL CHECK (slots >= 1),
    channel       TEXT NOT NULL CHECK (channel IN ('phone', 'counter', 'walk_in')),
    -- 'queued': a walk-in waiting for a place (holds none; `starts` is the arrival time).
    status        TEXT NOT NULL CHECK (status IN ('booked', 'checked_in', 'queued', 'cancelled', 'no_show')),
    notes         TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    checked_in_at TEXT,                     -- local time YYYY-MM-DDTHH:MM:SS
    late          INTEGER NOT NULL DEFAULT 0 -- checked in later than the lateness rule allows
) STRICT;
-- Covers the per-day capacity count (places held by status, start and length).
CREATE INDEX reservations_day ON reservations (day, status, starts, slots);

-- The people of a reservation (a household booking has several), each with their procedures.
CREATE TABLE reservation_people (
    reservation_id TEXT NOT NULL REFERENCES reservations (id),
    position       INTEGER NOT NULL,
    applicant_id   TEXT NOT NULL REFERENCES applicants (id),
    applicant_type TEXT NOT NULL CHECK (applicant_type IN ('self', 'legal_representative', 'proxy')),
    procedures     TEXT NOT NULL,           -- comma-separated procedure codes
    PRIMARY KEY (reservation_id, position)
) STRICT;
CREATE INDEX reservation_people_applicant ON reservation_people (applicant_id);

-- Search keys: one row per key of each person of a reservation ('k:' folded kana, 'n:' folded
-- name, 'p:' phone digits) with the reservation's month and day. Search walks the months
-- newest first, one short range scan of the covering index each, and stops once it has enough:
-- a common prefix costs one month's matches, not the whole store's.
CREATE TABLE search_keys (
    month          TEXT NOT NULL,           -- YYYY-MM
    key            TEXT NOT NULL,
    day            TEXT NOT NULL,
    reservation_id TEXT NOT NULL REFERENCES reservations (id)
) STRICT;
CREATE INDEX search_keys_month_key ON search_keys (month, key, day, reservation_id);
CREATE INDEX search_keys_reservation ON search_keys (reservation_id);

-- Every change made on this seat, as the intent that sync will push to the hub, which
-- re-executes it authoritatively. Append-only; `state` moves pending -> applied | conflict.
CREATE TABLE mutations (
    id         TEXT PRIMARY KEY,            -- UUIDv7
    seq        INTEGER NOT NULL UNIQUE,     -- per-seat sequence, 1, 2, 3…
    hlc        TEXT NOT NULL,               -- hybrid logical clock timestamp (uhlc)
    seat       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL,               -- JSON of the command (personal data: encrypted store only)
    created_at TEXT NOT NULL,
    state      TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'applied', 'conflict'))
) STRICT;
