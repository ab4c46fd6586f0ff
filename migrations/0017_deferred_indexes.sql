-- Indexes of the synced tables set aside while a new seat writes the hub's rows (issue 20).
--
-- A new seat's first load writes hundreds of thousands of rows; keeping a dozen indexes up to
-- date row by row (most of them on keyed hashes, so every insert lands on another page) took
-- most of the time. The load drops the indexes that do not enforce uniqueness, noting each
-- here in the same transaction, and builds them again after the rows are in, one index per
-- transaction. A load cut short (the app closed, the PC switched off) leaves them here: the
-- next unlock builds them.
CREATE TABLE sync_deferred_indexes (
    name TEXT PRIMARY KEY,
    sql  TEXT NOT NULL
) STRICT;
