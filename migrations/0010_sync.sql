-- 0010 sync: what a seat needs to work offline and rebase on the hub, and what the hub keeps
-- to be the single authority. See docs/sync-protocol.md.

-- Whether a booking's place is sure. 'confirmed': the hub accepted it, or this seat booked it
-- inside the places the hub set aside for it (escrow). 'provisional' (仮予約): booked on a seat
-- beyond its escrow, waiting for the hub's answer; it holds a place in this seat's view only.
ALTER TABLE reservations ADD COLUMN hold TEXT NOT NULL DEFAULT 'confirmed'
    CHECK (hold IN ('confirmed', 'provisional'));

-- The outbox: what sync needs besides the mutation itself. `origin` is who, where and when
-- (JSON: seat name, staff, local time, UTC time) so every store applies it identically;
-- `escrow` says the booking used this seat's escrowed places; `hub_version` is where the hub
-- put it in its log once it answered; `local_error` why it no longer applies on this seat.
ALTER TABLE mutations ADD COLUMN origin TEXT NOT NULL DEFAULT '{}';
ALTER TABLE mutations ADD COLUMN escrow INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mutations ADD COLUMN hub_version INTEGER;
ALTER TABLE mutations ADD COLUMN local_error TEXT;
ALTER TABLE mutations ADD COLUMN base INTEGER NOT NULL DEFAULT 0;   -- hub version it was made on

-- Undo records of this seat's own mutations not yet settled by the hub: the old row (JSON
-- array of its columns) for each insert, update or delete they made, so a pull can rewind
-- them, apply the hub's log and replay them on top. Written by temporary triggers.
CREATE TABLE sync_undo (
    id  INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,              -- mutations.seq that made the change
    tbl TEXT NOT NULL,
    op  TEXT NOT NULL CHECK (op IN ('i', 'u', 'd')),
    rid INTEGER NOT NULL,              -- rowid of the changed row
    old TEXT                           -- the row before (u, d)
) STRICT;

-- This seat's link to its hub: one row once enrolled.
CREATE TABLE sync_link (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    hub_address     TEXT NOT NULL,
    hub_fingerprint TEXT NOT NULL,     -- SHA-256 of the hub's certificate, pinned at enrolment
    hub_name        TEXT NOT NULL,
    cursor          INTEGER NOT NULL DEFAULT 0,   -- last hub log version applied here
    last_sync       TEXT,
    enrolled_at     TEXT NOT NULL
) STRICT;

-- This seat's TLS identity (its private key never leaves the encrypted store).
CREATE TABLE sync_identity (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    cert_der    TEXT NOT NULL,         -- base64
    key_der     TEXT NOT NULL,         -- base64 PKCS#8
    fingerprint TEXT NOT NULL
) STRICT;

-- Places the hub set aside for this seat (escrow), per slot, as of the last sync.
CREATE TABLE sync_quota (
    day    TEXT NOT NULL,
    starts TEXT NOT NULL,
    places INTEGER NOT NULL CHECK (places >= 0),
    PRIMARY KEY (day, starts)
) STRICT;

-- Which escrowed places each unsettled booking used.
CREATE TABLE sync_quota_use (
    mutation_id TEXT NOT NULL,
    day         TEXT NOT NULL,
    starts      TEXT NOT NULL
) STRICT;
CREATE INDEX sync_quota_use_slot ON sync_quota_use (day, starts);

-- Conflicts: a mutation the hub could not apply (a provisional booking with no place left,
-- an edit of a cancelled reservation…). Synced: every seat shows it until a person resolves it.
CREATE TABLE conflicts (
    id          TEXT PRIMARY KEY,      -- the mutation's id
    seat        TEXT NOT NULL,         -- seat name
    staff       TEXT NOT NULL,
    kind        TEXT NOT NULL,         -- the mutation's op
    subject     TEXT NOT NULL,         -- reservation number or day (never a name)
    reason      TEXT NOT NULL,         -- the hub's error code
    message     TEXT NOT NULL,         -- the hub's error, in English (no personal data)
    mutation    TEXT NOT NULL,         -- the mutation as JSON (personal data: encrypted store only)
    made_at     TEXT NOT NULL,         -- local time it was made at the seat
    raised_at   TEXT NOT NULL,         -- UTC time the hub refused it
    resolved_at TEXT,
    resolved_by TEXT,
    resolution  TEXT
) STRICT;
CREATE INDEX conflicts_open ON conflicts (resolved_at);

-- Hub side. The log of every mutation the hub executed, in order: seats pull it by version.
CREATE TABLE hub_log (
    version     INTEGER PRIMARY KEY,
    mutation_id TEXT NOT NULL UNIQUE,
    seat_id     TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    entry       TEXT NOT NULL          -- JSON: origin and the mutation as executed
) STRICT;

-- Enrolled seats: the pinned certificate fingerprint and the last sequence applied, which is
-- what makes a repeated push a no-op.
CREATE TABLE hub_seats (
    seat_id     TEXT PRIMARY KEY,      -- the seat's store id
    name        TEXT NOT NULL,
    fingerprint TEXT NOT NULL UNIQUE,
    position    INTEGER NOT NULL,      -- enrolment order (escrow round robin)
    enrolled_at TEXT NOT NULL,
    revoked_at  TEXT,
    last_seq    INTEGER NOT NULL DEFAULT 0,
    last_seen   TEXT
) STRICT;

-- One-time enrolment codes (stored hashed; valid for minutes, once).
CREATE TABLE hub_enrolment_codes (
    code_hash  TEXT PRIMARY KEY,
    expires_at TEXT NOT NULL,
    used_at    TEXT
) STRICT;

-- Places set aside for each seat per slot (escrow) and not used yet.
CREATE TABLE hub_quota (
    seat_id TEXT NOT NULL,
    day     TEXT NOT NULL,
    starts  TEXT NOT NULL,
    places  INTEGER NOT NULL CHECK (places >= 0),
    PRIMARY KEY (seat_id, day, starts)
) STRICT;
CREATE INDEX hub_quota_slot ON hub_quota (day, starts);
