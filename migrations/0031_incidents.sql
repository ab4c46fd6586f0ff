-- Incidents (事故・トラブル, issue 23 slice 4, docs/design/paperwork.md §3.4): seed 000 §10(2),
-- 1.3(1); seed 002 §7, §13(6), §19. Codes, counts, times and titles in the city part (every PC
-- of the city sees them); the words staff type, which may name citizens, in `incident_texts`,
-- a site table (that site's PCs and the hub only). The tables start empty: no synced digest
-- changes.
CREATE TABLE incidents (
    id                 TEXT PRIMARY KEY,         -- UUIDv7
    number             TEXT NOT NULL UNIQUE,     -- JK-YYMMDD-XXX
    site_id            TEXT NOT NULL,
    occurred_at        TEXT NOT NULL,            -- local YYYY-MM-DDTHH:MM:SS
    detected_at        TEXT NOT NULL,
    category           TEXT NOT NULL,
    kind               TEXT NOT NULL,
    impact             TEXT NOT NULL,
    persons_affected   INTEGER NOT NULL DEFAULT 0,
    documents_affected INTEGER NOT NULL DEFAULT 0,
    minutes_stopped    INTEGER NOT NULL DEFAULT 0,
    status             TEXT NOT NULL CHECK (status IN ('open', 'reported', 'closed')),
    report_due_at      TEXT NOT NULL,
    first_reported_at  TEXT,
    report_channel     TEXT,
    reported_to_title  TEXT,                     -- a title (「市民課 担当係長」), not a name
    reported_to_code   TEXT,                     -- city staff on the roster, when known
    cause_code         TEXT,
    inquiry_id         TEXT,
    opened_by          TEXT NOT NULL,            -- staff code
    seat               TEXT NOT NULL,
    closed_at          TEXT,
    closed_by          TEXT
) STRICT;
CREATE INDEX incidents_open ON incidents (status, detected_at);

-- The steps of an incident's handling (append-only): codes and counts only.
CREATE TABLE incident_steps (
    id          TEXT PRIMARY KEY,                -- UUIDv7
    incident_id TEXT NOT NULL,
    at          TEXT NOT NULL,
    step        TEXT NOT NULL,
    code        TEXT,
    count       INTEGER,
    title       TEXT,
    staff       TEXT NOT NULL
) STRICT;
CREATE INDEX incident_steps_incident ON incident_steps (incident_id);

-- What is owed after the first handling, with its due day.
CREATE TABLE incident_followups (
    id          TEXT PRIMARY KEY,                -- UUIDv7
    incident_id TEXT NOT NULL,
    what        TEXT NOT NULL,
    due_on      TEXT NOT NULL,                   -- YYYY-MM-DD
    set_by      TEXT NOT NULL,
    done_on     TEXT,
    done_by     TEXT
) STRICT;
CREATE INDEX incident_followups_incident ON incident_followups (incident_id);

-- The words of an incident (its description, a step's words): they may name citizens, so they
-- are a site's rows (SITE_TABLES), kept at that site's PCs and the hub, never printed.
CREATE TABLE incident_texts (
    id          TEXT PRIMARY KEY,                -- the incident's id (description) or the step's
    incident_id TEXT NOT NULL,
    site_id     TEXT NOT NULL,
    desk_id     TEXT,
    field       TEXT NOT NULL CHECK (field IN ('description', 'step')),
    text        TEXT NOT NULL,
    staff       TEXT NOT NULL,
    at          TEXT NOT NULL
) STRICT;
CREATE INDEX incident_texts_incident ON incident_texts (incident_id);
