-- Issue 23 (docs/design/paperwork.md §3.3, §3.5): the daily work log (業務日誌, seed 002 §13(4))
-- and the improvement cycle (業務改善, seed 000 §1.1). City part: every PC of the city holds
-- them (no citizen's business; words staff type stay in the encrypted store and never reach a
-- paper). The tables start empty, so synced digests are unchanged.

-- One row per site and day once the log has a note or was closed.
CREATE TABLE work_logs (
    site_id       TEXT NOT NULL,
    day           TEXT NOT NULL,                 -- YYYY-MM-DD
    state         TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
    closed_by     TEXT,                          -- staff code
    closed_at     TEXT,                          -- local time
    submitted_on  TEXT,                          -- YYYY-MM-DD
    submitted_by  TEXT,                          -- staff code
    PRIMARY KEY (site_id, day)
) STRICT;

-- A log's notes: codes and counts; `words` (≤200) are never printed.
CREATE TABLE work_log_notes (
    id            TEXT PRIMARY KEY,              -- UUIDv7
    site_id       TEXT NOT NULL,
    day           TEXT NOT NULL,
    category      TEXT NOT NULL,
    code          TEXT NOT NULL,
    count         INTEGER NOT NULL CHECK (count BETWEEN 1 AND 10000),
    words         TEXT NOT NULL DEFAULT '',
    incident_id   TEXT,
    written_by    TEXT NOT NULL,
    written_at    TEXT NOT NULL                  -- local time
) STRICT;
CREATE INDEX work_log_notes_day ON work_log_notes (site_id, day);

-- 業務改善事項通知書 and where the cycle stands (000 §1.1(1)(2)).
CREATE TABLE improvement_notices (
    id                  TEXT PRIMARY KEY,        -- UUIDv7
    doc_ref             TEXT NOT NULL,
    received_on         TEXT NOT NULL,
    items               TEXT NOT NULL,           -- JSON array of item codes
    incident_id         TEXT,
    summary             TEXT NOT NULL DEFAULT '',-- never printed
    status              TEXT NOT NULL DEFAULT 'notice_received' CHECK (status IN
                        ('notice_received', 'plan_submitted', 'plan_accepted', 'report_submitted', 'confirmed')),
    plan_due_on         TEXT NOT NULL,           -- received_on + 6
    payment_stop_from   TEXT NOT NULL,           -- received_on + 7
    plan_submitted_on   TEXT,
    plan_ref            TEXT NOT NULL DEFAULT '',
    plan_accepted_on    TEXT,
    target_on           TEXT,
    report_submitted_on TEXT,
    report_ref          TEXT NOT NULL DEFAULT '',
    confirmed_on        TEXT,
    created_by          TEXT NOT NULL,
    created_at          TEXT NOT NULL            -- local time
) STRICT;

-- Its steps, append-only.
CREATE TABLE improvement_steps (
    id         TEXT PRIMARY KEY,                 -- UUIDv7
    notice_id  TEXT NOT NULL,
    at         TEXT NOT NULL,                    -- local time recorded
    step       TEXT NOT NULL,
    on_day     TEXT NOT NULL,
    doc_ref    TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',         -- never printed
    staff      TEXT NOT NULL
) STRICT;
CREATE INDEX improvement_steps_notice ON improvement_steps (notice_id);
