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

-- Undo records now name their columns (a JSON object, not an array), so a migration that adds
-- or drops a column never leaves a pending change unable to rewind. Records written before this
-- version are never read: a store upgraded from v1 has no log_id and loads a snapshot first.
