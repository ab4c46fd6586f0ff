-- Partitioned replication (issue 21, docs/design/sites.md §7): a seat of one site holds the
-- city's rows and its site's only, and checks them against the hub's digest of those parts.
-- The hub records, with each log entry, the digest of each site's parts right after it (a JSON
-- object: site id -> digest), when the city has more than one site; with one site the digest
-- of the whole (`digest`) is the same thing.
ALTER TABLE hub_log ADD COLUMN site_digests TEXT;
