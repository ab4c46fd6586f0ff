-- Issue 23, slices 2 and 3 (docs/design/paperwork.md §3.1, §3.2): the roster's details and
-- submissions (従事者名簿, seed 000 §8(2)カ, seed 002 §11チ) and the training records (研修記録,
-- seed 000 §8(3), seed 002 §11ソ, §16(4)(5)). Every table is synced, city part; they start
-- empty (defaults live in code), so no existing row's digest changes.

-- A member's roster details; `staff` itself is not altered.
CREATE TABLE staff_details (
    staff_code       TEXT PRIMARY KEY,            -- staff.code
    assigned_from    TEXT,                        -- 従事開始日 YYYY-MM-DD
    assigned_until   TEXT,                        -- 従事終了日
    employment       TEXT NOT NULL DEFAULT 'regular'
        CHECK (employment IN ('regular', 'fixed_term', 'part_time', 'dispatched', 'other')),
    duties           TEXT NOT NULL DEFAULT '[]',  -- JSON array of duty codes
    experience       TEXT NOT NULL DEFAULT '',    -- 特定個人情報取扱業務の経験 (staff, not citizens)
    experience_years INTEGER,
    pledge_on        TEXT,                        -- 誓約書 (002 §16(6))
    updated_by       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;

-- Each submission of the roster to the city, with the lines as submitted, so "changes since
-- the last submission" is a diff.
CREATE TABLE roster_submissions (
    id           TEXT PRIMARY KEY,                -- UUIDv7
    kind         TEXT NOT NULL CHECK (kind IN ('initial', 'change')),
    as_of        TEXT NOT NULL,
    submitted_on TEXT NOT NULL,
    lines        TEXT NOT NULL,                   -- JSON RosterLine[]
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
) STRICT;

-- Training sessions (研修).
CREATE TABLE training_sessions (
    id            TEXT PRIMARY KEY,               -- UUIDv7
    held_on       TEXT NOT NULL,
    starts        TEXT,                           -- HH:MM
    minutes       INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
    topic         TEXT NOT NULL,
    phase         TEXT NOT NULL CHECK (phase IN ('pre_service', 'periodic')),
    title         TEXT NOT NULL,
    trainer       TEXT NOT NULL,
    trainer_code  TEXT,
    material      TEXT NOT NULL DEFAULT '',
    city_approved INTEGER NOT NULL DEFAULT 0,     -- 本市の承諾 (000 §8(3)ア)
    site_id       TEXT,
    cancelled     INTEGER NOT NULL DEFAULT 0,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL
) STRICT;
CREATE INDEX training_sessions_held_on ON training_sessions (held_on);

-- Who attended, and their result (required for privacy_security when attended).
CREATE TABLE training_attendance (
    session_id  TEXT NOT NULL,
    staff_code  TEXT NOT NULL,
    attended    INTEGER NOT NULL,
    result      TEXT CHECK (result IN ('passed', 'failed', 'retake')),
    score       INTEGER CHECK (score BETWEEN 0 AND 100),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (session_id, staff_code)
) STRICT;
CREATE INDEX training_attendance_staff ON training_attendance (staff_code);
