-- 0012 wipe: the hub keeps each seat's certificate of sanitization (データ消去証明書) until
-- its own wipe, whose certificate lists them. No personal data: names of the seat and of the
-- staff who performed the wipe, paths, sizes, digests.
CREATE TABLE wipe_certificates (
    wipe_id      TEXT PRIMARY KEY,
    store_id     TEXT NOT NULL,          -- the wiped seat's store
    seat_name    TEXT NOT NULL,
    completed_at TEXT NOT NULL,          -- RFC 3339
    digest       TEXT NOT NULL,          -- SHA-256 of the certificate's content (checked on entry)
    json         TEXT NOT NULL,          -- the certificate as received
    recorded_at  TEXT NOT NULL
) STRICT;
