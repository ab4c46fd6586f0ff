-- 0013 sync v2: seats apply the hub's row effects instead of re-executing its log, and every
-- store keeps a digest of its synced rows so that convergence is checked, not assumed.
-- See docs/sync-protocol.md.

-- A digest per synced table: the XOR of a 64-bit hash of every row (table, rowid, the row as a
-- JSON object). Kept up to date by temporary triggers on every write, so it always describes
-- what the table holds, whatever the path that wrote it; recomputed in full when the schema's
-- columns change ('#columns' holds a hash of them) or when a check finds it stale.
CREATE TABLE sync_digest (
    tbl TEXT PRIMARY KEY,
    d   INTEGER NOT NULL DEFAULT 0
) STRICT;

-- The hub's log identity. `log_id` is new for every hub (and after `madoguchi hub new-log`);
-- entries at or below `floor` cannot be served as effects (written before this version, or
-- compacted away): a seat behind it starts again from a snapshot.
CREATE TABLE hub_state (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    log_id TEXT NOT NULL,
    floor  INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO hub_state (id, log_id, floor)
    SELECT 1, lower(hex(randomblob(16))), coalesce(max(version), 0) FROM hub_log;

-- The digest of the hub's synced rows right after each entry: what a seat compares with its own.
ALTER TABLE hub_log ADD COLUMN digest TEXT;

-- Seat side: the log this seat follows and the hub's digest at its cursor (the last state it
-- verified); a NULL log_id means the seat has never loaded a snapshot (new, or upgraded from v1).
ALTER TABLE sync_link ADD COLUMN log_id TEXT;
ALTER TABLE sync_link ADD COLUMN hub_digest TEXT;
-- Repairs from a snapshot: how many, the last one and why (shown on the 同期 screen).
ALTER TABLE sync_link ADD COLUMN repairs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_link ADD COLUMN last_repair_at TEXT;
ALTER TABLE sync_link ADD COLUMN last_repair_reason TEXT;
-- What the hub said at the last hello: its app and schema versions.
ALTER TABLE sync_link ADD COLUMN hub_version TEXT;
ALTER TABLE sync_link ADD COLUMN hub_schema INTEGER;

-- Audit chains a store continues on: a store restored from a backup has lost the end of its
-- trail, which the hub still holds; its new entries would not link there. It then starts a new
-- chain whose first entry says so (`audit_fork`) and carries over what the hub may not hold.
-- The hub records which seat each chain belongs to. Nothing in any chain is ever rewritten.
CREATE TABLE audit_chains (
    chain      TEXT PRIMARY KEY,
    store_id   TEXT NOT NULL,
    parent     TEXT NOT NULL,
    started_at TEXT NOT NULL
) STRICT;
-- How far the hub held this seat's current chain at the last shipping.
ALTER TABLE sync_link ADD COLUMN audit_shipped INTEGER NOT NULL DEFAULT 0;

-- Undo records now name their columns (a JSON object, not an array), so a migration that adds
-- or drops a column never leaves a pending change unable to rewind. Records written before this
-- version are never read: a store upgraded from v1 has no log_id and loads a snapshot first.

-- A sign-in ends at once when the member is taken off the roster on another seat and the
-- change arrives by sync ('deactivated'). The CHECK list lives in the table, so it is rebuilt.
-- The attendance record is this PC's own and must outlive any change to the roster, which is
-- the hub's (a hub restored from a copy taken before a member was added, say): so it names the
-- member by staff ID without a foreign key to the synced roster.
CREATE TABLE sign_ins_v2 (
    id            INTEGER PRIMARY KEY,
    staff_code    TEXT NOT NULL,
    seat          TEXT NOT NULL,
    signed_in_at  TEXT NOT NULL,
    signed_out_at TEXT,
    ended_by      TEXT CHECK (ended_by IN ('sign_out', 'idle', 'replaced', 'locked', 'deactivated', 'closed'))
) STRICT;
INSERT INTO sign_ins_v2 (id, staff_code, seat, signed_in_at, signed_out_at, ended_by)
    SELECT id, staff_code, seat, signed_in_at, signed_out_at, ended_by FROM sign_ins;
DROP TABLE sign_ins;
ALTER TABLE sign_ins_v2 RENAME TO sign_ins;
CREATE INDEX sign_ins_day ON sign_ins (signed_in_at);
